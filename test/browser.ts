// deno-lint-ignore-file no-import-prefix -- playwright's import below, by full specifier
// Real-browser tests: Debian's Chromium driven by playwright-core (the npm package without
// bundled browsers; none is ever downloaded). `browserTest` gives each test its own browser,
// keeps screenshots of what a failing test left on screen, and always closes the browser.
import { join } from "node:path";
// The tests' one playwright import, by full specifier: deno.json's imports are also the demo
// site's (public/ has no deno.json of its own), and a test tool has no place there.
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
  type Response,
} from "npm:playwright-core@1.65.1";

export type { Browser, BrowserContext, BrowserContextOptions, Locator, Page, Response };

export const CHROMIUM = "/usr/bin/chromium";

/** Actions and navigations: a broken page fails in seconds, not after playwright's 30 s. */
const ACTION_TIMEOUT_MS = 10_000;
/** Starting Chromium cold on a loaded CI machine takes longer than an action. */
const LAUNCH_TIMEOUT_MS = 30_000;

export interface BrowserRun {
  /** Contexts and pages made on it directly keep playwright's 30 s timeouts: use `context()`. */
  browser: Browser;
  /**
   * A new browser context (own cookies); closed with the run. Options as playwright's
   * newContext.
   */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Registers a Deno.test that gets a fresh browser; on failure, screenshots of every open page go
 * to a temp dir named in the error.
 */
export function browserTest(name: string, fn: (run: BrowserRun) => Promise<void>): void {
  // Deno's sanitizers stay on: browser.close() ends Chromium and its pipes, leaving no op or
  // resource behind (checked on every run).
  Deno.test({
    name,
    async fn() {
      await requireChromium();
      // Without `userDataDir` (only launchPersistentContext takes one) playwright starts
      // Chromium on a fresh temporary profile and deletes it on close: no state between runs.
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
        args: [
          "--no-sandbox",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
        ],
      });
      try {
        await fn({
          browser,
          async context(options) {
            const context = await browser.newContext(options);
            context.setDefaultTimeout(ACTION_TIMEOUT_MS);
            context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
            return context;
          },
        });
      } catch (error) {
        // Whatever happens while shooting, the test fails with its own error.
        const dir = await screenshots(browser).catch((e) => `none (${e})`);
        throw withLine(error, `screenshots: ${dir}`);
      } finally {
        await browser.close();
      }
    },
  });
}

/** Fails the test with one line when Debian's Chromium is missing (never a silent skip). */
async function requireChromium(): Promise<void> {
  const found = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
  if (!found) {
    throw new Error(`chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium)`);
  }
}

/**
 * A full-page screenshot of every open page of every context, in a new temp dir (returned),
 * with `pages.txt` naming each file's URL. A page that cannot be shot (crashed, hung) is
 * listed with the reason, so the other pages are still kept.
 */
async function screenshots(browser: Browser): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "modts-browser-" });
  const index: string[] = [];
  for (const [c, context] of browser.contexts().entries()) {
    for (const [p, page] of context.pages().entries()) {
      const file = `context-${c + 1}-page-${p + 1}.png`;
      const shot = await page.screenshot({ path: join(dir, file), fullPage: true }).then(
        () => "",
        (e: Error) => ` (no screenshot: ${e.message.split("\n")[0]})`,
      );
      index.push(`${file} ${page.url()}${shot}`);
    }
  }
  const listing = index.length ? index.join("\n") : "no page was open";
  await Deno.writeTextFile(join(dir, "pages.txt"), listing + "\n");
  return dir;
}

/**
 * `error` with `line` appended to its message. Deno's test report prints the message whatever
 * the stack says (V8's frames, or the lines after the first of a stack playwright rewrote).
 */
function withLine(error: unknown, line: string): unknown {
  if (!(error instanceof Error)) return new Error(`${String(error)}\n${line}`);
  error.message = `${error.message}\n${line}`;
  return error;
}
