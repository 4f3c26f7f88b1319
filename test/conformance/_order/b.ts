import { log } from "./log.ts";
import "./c.ts";
import "./d.ts";

log.push("b");
