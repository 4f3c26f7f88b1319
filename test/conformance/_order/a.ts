import { log } from "./log.ts";
import "./c.ts";

log.push("a");
