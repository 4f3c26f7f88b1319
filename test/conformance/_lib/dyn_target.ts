export const target = { name: "a file under @lib/" };
