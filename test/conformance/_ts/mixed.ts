import { log } from "./log.ts";

log.push("mixed.ts evaluated");

export interface Shape {
  kind: "square" | "circle";
  size: number;
}
export enum Color {
  Red = "red",
  Green = "green",
}
export function area(shape: Shape): number {
  return shape.kind === "square" ? shape.size ** 2 : Math.round(Math.PI * shape.size ** 2);
}
