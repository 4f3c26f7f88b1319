// node: builtins, by named, default and namespace import, static and dynamic.
import path, { basename, join, posix, relative } from "node:path";
import { createHash, randomUUID } from "node:crypto";
import * as crypto from "node:crypto";
import { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { EventEmitter, once } from "node:events";
import { createRequire } from "node:module";

export async function index() {
  const emitter = new EventEmitter();
  const got = once(emitter, "ping");
  emitter.emit("ping", "pong");
  const require = createRequire(import.meta.url);
  return {
    join: join("a", "b", "..", "c.ts"),
    relative: relative("/a/b/c", "/a/d"),
    posix: posix.sep,
    defaultSame: path.join === join,
    dynamicSame: (await import("node:path")).join === join,
    sha256: createHash("sha256").update("conformance").digest("hex"),
    hmac: crypto.createHmac("sha1", "key").update("value").digest("base64"),
    uuidShape: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(
      randomUUID(),
    ),
    webcrypto: crypto.webcrypto === globalThis.crypto,
    buffer: Buffer.from("hé").toString("base64"),
    here: basename(fileURLToPath(import.meta.url)),
    processIsGlobal: process === globalThis.process,
    event: await got,
    requireBuiltin: require("node:path").join === join,
    requireResolve:
      require.resolve("./_cjs/legacy.cjs") === join(import.meta.dirname!, "_cjs/legacy.cjs"),
  };
}
