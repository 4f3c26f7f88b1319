export const url = import.meta.url;
export const filename = import.meta.filename;
