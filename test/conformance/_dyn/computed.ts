export const computed = "reached by a specifier built at run time";
