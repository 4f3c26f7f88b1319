// The phases of a request, in mod_python's order (reference §1.7), and the running of one
// phase's stacked hooks with its status rules: `authen` and `authz` stop at the first OK; the
// other phases go on through OK and DECLINED; DONE ends the request as it is; an HTTP status
// ends it with that status.
//
// The order: access → authen → authz → fixup → the content (handler, mounted app or built-in
// page); then, once the body has been sent, log → the request's own clean-ups → cleanup.
import { basicChallenge, HttpError } from "../http/status.ts";
import type { Hook, HookResult, Phase, Req } from "../api/request.ts";
import type { Exchange } from "../request/exchange.ts";
import type { Settings } from "./settings.ts";
import { NO_ATTRIBUTES, traced } from "../log/tracing.ts";

/** The phases before the content. */
const BEFORE = ["access", "authen", "authz", "fixup"] as const;

/** What answers a request once its phases let it through. */
export interface Content {
  handle(ex: Exchange): Response | Promise<Response>;
  /** Keeps a time limit of its own (an interpreter's isolate): the exchange sets none. */
  readonly timed?: boolean;
}

/** Whether the directory has any hook before the content (else the content runs alone). */
export function hasPhases(s: Settings): boolean {
  const h = s.hooks;
  return h.access.length + h.authen.length + h.authz.length + h.fixup.length > 0;
}

/**
 * The phases before the content, from phase `i`, then the content; synchronous while the
 * hooks are.
 */
export function runBefore(
  ex: Exchange,
  s: Settings,
  content: Content,
  i = 0,
): Response | Promise<Response> {
  for (; i < BEFORE.length; i++) {
    const phase = BEFORE[i];
    const hooks = s.hooks[phase];
    const added = ex.addedHooks(phase);
    if (hooks.length === 0 && added.length === 0) continue;
    const outcome = traced(
      `modts.phase.${phase}`,
      NO_ATTRIBUTES,
      () => runPhase(phase, hooks, added, ex.req),
    );
    if (outcome instanceof Promise) {
      const next = i + 1;
      return outcome.then((o) =>
        o === "continue" ? runBefore(ex, s, content, next) : ended(ex, o, s)
      );
    }
    if (outcome !== "continue") return ended(ex, outcome, s);
  }
  return content.handle(ex);
}

function ended(ex: Exchange, outcome: Exclude<Outcome, "continue">, s: Settings): Response {
  if (outcome === "done") return ex.respond();
  throw statusError(outcome, s.realm);
}

/** Whether anything runs after the body: log or cleanup hooks, or the request's clean-ups. */
export function hasAfter(ex: Exchange): boolean {
  if (ex.hasCleanups) return true;
  const h = ex.settings.hooks;
  return h.log.length > 0 || h.cleanup.length > 0 || ex.addedHooks("log").length > 0 ||
    ex.addedHooks("cleanup").length > 0;
}

/** After the body: the log phase, the request's clean-ups, the cleanup phase; failures logged. */
export async function runAfter(ex: Exchange): Promise<void> {
  const s = ex.settings;
  for (const phase of ["log", "cleanup"] as const) {
    if (phase === "cleanup") await ex.cleanup();
    try {
      await runPhase(phase, s.hooks[phase], ex.addedHooks(phase), ex.req);
    } catch (e) {
      ex.log(`${phase} hook failed: ${e instanceof Error ? e.stack : e}`);
    }
  }
}

/** How a phase ended: go on to the next, the request is done, or it ends with a status. */
export type Outcome = "continue" | "done" | number;

const NEXT = Symbol("next");

function decide(phase: Phase, value: HookResult, req: Req): Outcome | typeof NEXT {
  if (value === undefined || value === "OK" || value === 200) {
    if (phase === "authen" && req.user === undefined) {
      throw new Error("an authen hook returned OK without setting req.user");
    }
    return phase === "authen" || phase === "authz" ? "continue" : NEXT;
  }
  if (value === "DECLINED") return NEXT;
  if (value === "DONE") return "done";
  if (typeof value === "number" && Number.isInteger(value) && value >= 300 && value <= 599) {
    return value;
  }
  throw new Error(`a ${phase} hook returned ${String(value)}, not OK, DECLINED, DONE or a status`);
}

/**
 * Runs `hooks` (the directories', parent first), then those the request added for this
 * phase, including any added while the phase runs. Synchronous while the hooks are.
 */
function runPhase(
  phase: Phase,
  hooks: readonly Hook[],
  added: readonly Hook[],
  req: Req,
  from = 0,
): Outcome | Promise<Outcome> {
  for (let i = from; i < hooks.length + added.length; i++) {
    const hook = i < hooks.length ? hooks[i] : added[i - hooks.length];
    const value = hook(req);
    if (value instanceof Promise) {
      return value.then((v) => {
        const o = decide(phase, v, req);
        return o === NEXT ? runPhase(phase, hooks, added, req, i + 1) : o;
      });
    }
    const o = decide(phase, value, req);
    if (o !== NEXT) return o;
  }
  return "continue";
}

/** A status outcome as the error the dispatcher turns into a page; 401 carries a challenge. */
function statusError(status: number, realm: string): HttpError {
  return status === 401 ? basicChallenge(realm) : new HttpError(status);
}
