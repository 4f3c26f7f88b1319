export const fromMts: string = "an .mts module";
