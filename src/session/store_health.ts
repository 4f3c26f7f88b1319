// Whether a session store file can be opened safely. Deno KV panics — the whole process
// exits, uncatchably — when its expiry sweep meets a damaged page, and it would do so again
// on every restart; a file truncated to nothing opens as a new, empty store without a word.
// So the file is looked at before Deno.openKv: its size, its SQLite header, and SQLite's own
// `PRAGMA quick_check` through node:sqlite, read-only (a few ms for 10,000 sessions).

export type StoreHealth =
  /** No file yet: a new store will be made. */
  | { state: "absent" }
  | { state: "ok" }
  /** 0 bytes: Deno never leaves one, so something truncated it and its sessions are lost. */
  | { state: "truncated" }
  /** Not a readable KV store (corrupt pages, another kind of file, no permission). */
  | { state: "damaged"; reason: string };

const SQLITE_MAGIC = "SQLite format 3\0";

export async function checkStore(path: string): Promise<StoreHealth> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { state: "absent" };
    return { state: "damaged", reason: String(e) };
  }
  if (!info.isFile) return { state: "damaged", reason: "not a regular file" };
  if (info.size === 0) return { state: "truncated" };
  try {
    // Opened for writing too: a read-only file would make every session write fail.
    using file = await Deno.open(path, { read: true, write: true });
    const head = new Uint8Array(SQLITE_MAGIC.length);
    const n = await file.read(head);
    if (n !== head.length || new TextDecoder().decode(head) !== SQLITE_MAGIC) {
      return { state: "damaged", reason: "not an SQLite file" };
    }
  } catch (e) {
    return { state: "damaged", reason: String(e) };
  }
  const { DatabaseSync } = await import("node:sqlite");
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = 5000");
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()
      .map((row) => String(row.name));
    if (tables.length > 0 && !tables.includes("kv")) {
      return { state: "damaged", reason: "not a Deno KV store" };
    }
    const verdict = db.prepare("PRAGMA quick_check").all()
      .map((row) => String(Object.values(row)[0]));
    return verdict.length === 1 && verdict[0] === "ok"
      ? { state: "ok" }
      : { state: "damaged", reason: verdict.join("; ").replace(/\s+/g, " ").slice(0, 200) };
  } catch (e) {
    return { state: "damaged", reason: e instanceof Error ? e.message : String(e) };
  } finally {
    db?.close();
  }
}

/** Whether a KV error says the file under it is damaged (seen at run time). */
export function isDamage(e: unknown): boolean {
  return e instanceof Error && /disk image is malformed|file is not a database/i.test(e.message);
}
