export const ok = "not_json";
