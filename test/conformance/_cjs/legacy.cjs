// CommonJS, loaded by Deno's own loader on both sides.
const path = require("node:path");

exports.named = "named export";
exports.joined = path.posix.join("a", "b");
exports.filename = path.basename(__filename);
module.exports.counter = { value: 0 };
