// One upload directory per process (`uploads-PID-…` in the data dir), so that processes
// sharing a data dir never touch each other's files. A process killed before its shutdown
// leaves its directory behind: the next start removes those whose process is gone.

const NAME = /^uploads-(?:(\d+)-)?/;

/** Whether process `pid` runs. Only Linux can say (/proc); elsewhere it is assumed to. */
function running(pid: number): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Removes the upload directories of processes that are gone; makes this process's own. */
export async function makeUploadDir(dataDir: string, log: (m: string) => void): Promise<string> {
  for await (const entry of Deno.readDir(dataDir)) {
    const m = NAME.exec(entry.name);
    if (!entry.isDirectory || !m) continue;
    // Without a PID: from a modts that did not record one, and long gone.
    if (m[1] !== undefined && (Number(m[1]) === Deno.pid || running(Number(m[1])))) continue;
    await Deno.remove(`${dataDir}/${entry.name}`, { recursive: true }).then(
      () => log(`removed ${entry.name}, left in ${dataDir} by a process that is gone`),
      () => {},
    );
  }
  return await Deno.makeTempDir({ dir: dataDir, prefix: `uploads-${Deno.pid}-` });
}
