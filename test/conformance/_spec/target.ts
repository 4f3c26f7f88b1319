export const instance = { created: "once per module instance" };
export const url = import.meta.url;
