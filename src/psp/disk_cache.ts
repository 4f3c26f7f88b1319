// Compiled pages on disk under the data dir, so a restart reuses them: an entry holds the
// code and a SHA-256 of every file it was compiled from (the page and its includes), and is
// used only while those files hash the same (content, not mtime: a restart has no earlier
// stat to trust).
import { join } from "node:path";
import type { CompiledPage } from "./compile.ts";
import type { Origin } from "./expand.ts";

/** What compiled code looks like; entries of another format are compiled again. */
const FORMAT = 2; // 2: an ES module (1 was a function expression)

interface Entry {
  format: number;
  page: string;
  compiled: CompiledPage;
  origins: Origin[];
  hashes: Record<string, string>;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function hashAll(sources: Map<string, string>): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const [file, source] of sources) hashes[file] = await sha256(source);
  return hashes;
}

export class DiskCache {
  constructor(private dir: string) {}

  async #path(page: string): Promise<string> {
    return join(this.dir, `${await sha256(page)}.json`);
  }

  /** The cached compilation of `page`, if it was made from exactly these `sources`. */
  async get(
    page: string,
    sources: Map<string, string>,
  ): Promise<{ compiled: CompiledPage; origins: Origin[] } | null> {
    const text = await Deno.readTextFile(await this.#path(page)).catch(() => null);
    if (text === null) return null;
    try {
      const entry = JSON.parse(text) as Entry;
      if (entry.format !== FORMAT || entry.page !== page) return null;
      const hashes = await hashAll(sources);
      const same = Object.keys(hashes).length === Object.keys(entry.hashes).length &&
        Object.entries(hashes).every(([file, hash]) => entry.hashes[file] === hash);
      return same ? { compiled: entry.compiled, origins: entry.origins } : null;
    } catch {
      return null; // a damaged entry is compiled again
    }
  }

  /** Stores a compilation; `sources` are the contents it was compiled from, by file. */
  async set(
    page: string,
    compiled: CompiledPage,
    origins: Origin[],
    sources: Map<string, string>,
  ): Promise<void> {
    const entry: Entry = {
      format: FORMAT,
      page,
      compiled,
      origins,
      hashes: await hashAll(sources),
    };
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = await this.#path(page);
    // Written aside and renamed, so a reader never sees half an entry.
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(entry), { mode: 0o600 });
    await Deno.rename(tmp, path);
  }
}
