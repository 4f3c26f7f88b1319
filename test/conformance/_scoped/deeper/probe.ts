// A subfolder of the scope is in it too.
import { greeting } from "@greeting";

export const deeperGreeting = greeting;
