// wrk, the load generator of `deno task bench` and `deno task soak`: installed from Debian's
// packages when it is missing, and run the same way by both (pinned to a CPU or not).

/** Makes sure `wrk` is on the PATH, installing it with apt-get if it can; exits if it cannot. */
export async function ensureWrk(): Promise<void> {
  const has = () =>
    new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" }).output()
      .then(() => true, () => false);
  if (await has()) return;
  console.error("wrk not found: installing it with apt-get (Debian package wrk)");
  for (const args of [["update"], ["install", "-y", "wrk"]]) {
    const r = await new Deno.Command("apt-get", { args, stdout: "null", stderr: "inherit" })
      .output().catch(() => null);
    if (!r?.success) {
      console.error("could not install wrk; run `apt-get install -y wrk` as root, then again.");
      Deno.exit(1);
    }
  }
}

/**
 * Runs wrk with `args` to its end. `pin`: wrk on CPU 0 (the servers run on CPU 1), steadier on
 * a noisy machine.
 */
export async function runWrk(args: string[], pin: boolean): Promise<{ out: string; err: string }> {
  const r = await new Deno.Command(pin ? "taskset" : "wrk", {
    args: pin ? ["-c", "0", "wrk", ...args] : args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { out: text.decode(r.stdout), err: text.decode(r.stderr) };
}
