const value = { as: "default" };
export { value as default };
export const other = "other";
