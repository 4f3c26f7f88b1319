export const ok = "string_with";
