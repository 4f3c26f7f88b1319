export const shared = { name: "statically imported" };
