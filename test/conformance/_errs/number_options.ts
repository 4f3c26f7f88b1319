export const ok = "number_options";
