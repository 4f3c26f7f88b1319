export const value = "hygiene target";
