export const value = "the real import";
