export const greeting = "from the ./_scoped/ scope";
