// One upload directory per process (`uploads-PID-…` in the data dir), so that processes
// sharing a data dir never touch each other's files. A process killed before its shutdown
// leaves its directory behind: the next start removes those whose process is gone.
//
// Whether a process is gone cannot be asked of /proc: Deno refuses /proc/PID without
// --allow-all, and the tasks run with less. So each process listens on a Unix socket in its
// own directory, and the kernel answers: a socket nobody listens on refuses the connection.

const NAME = /^uploads-(?:(\d+)-)?/;
const ALIVE = ".alive";

export interface UploadDir {
  path: string;
  /** Stops answering "alive" (before the directory is removed). */
  close(): void;
}

/** Whether the process that made upload directory `dir` still runs. */
async function running(dir: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path: `${dir}/${ALIVE}` });
    conn.close();
    return true;
  } catch (e) {
    // No listener, or no socket at all: gone. Anything else (a path too long for a socket,
    // no permission): not known, so kept.
    return !(e instanceof Deno.errors.ConnectionRefused || e instanceof Deno.errors.NotFound);
  }
}

/** Removes the upload directories of processes that are gone; makes this process's own. */
export async function makeUploadDir(dataDir: string, log: (m: string) => void): Promise<UploadDir> {
  const unix = Deno.build.os !== "windows";
  for await (const entry of Deno.readDir(dataDir)) {
    const m = NAME.exec(entry.name);
    if (!entry.isDirectory || !m || !unix) continue;
    const dir = `${dataDir}/${entry.name}`;
    // Without a PID: from a modts that did not record one, and long gone.
    if (m[1] !== undefined && (Number(m[1]) === Deno.pid || await running(dir))) continue;
    await Deno.remove(dir, { recursive: true }).then(
      () => log(`removed ${entry.name}, left in ${dataDir} by a process that is gone`),
      () => {},
    );
  }
  const path = await Deno.makeTempDir({ dir: dataDir, prefix: `uploads-${Deno.pid}-` });
  let listener: Deno.Listener | undefined;
  if (unix) {
    try {
      listener = Deno.listen({ transport: "unix", path: `${path}/${ALIVE}` });
      listener.unref(); // it must not keep a process alive that is otherwise done
      (async () => {
        for await (const conn of listener) conn.close();
      })().catch(() => {});
    } catch (e) {
      log(`upload directory ${path} cannot say it is in use (${(e as Error).message})`);
    }
  }
  return {
    path,
    close: () => {
      try {
        listener?.close();
      } catch { /* closed already */ }
    },
  };
}
