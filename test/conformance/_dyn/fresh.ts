export const fresh = { name: "fresh" };
