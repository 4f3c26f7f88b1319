import { log } from "./log.ts";
import { slow } from "./slow.ts";

log.push(`after (${slow})`);
