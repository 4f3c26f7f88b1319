export const late = { name: "imported after the module evaluated" };
