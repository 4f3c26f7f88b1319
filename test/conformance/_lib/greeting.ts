export const greeting = "from the top-level imports";
