// Running one phase's stacked hooks with mod_python's status rules (reference §1.7):
// `authen` and `authz` stop at the first OK; the other phases go on through OK and DECLINED;
// DONE ends the request as it is; an HTTP status ends it with that status.
import { basicChallenge, HttpError } from "../http/status.ts";
import type { Hook, HookResult, Phase, Req } from "../api/request.ts";

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
export function runPhase(
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
export function statusError(status: number, realm: string): HttpError {
  return status === 401 ? basicChallenge(realm) : new HttpError(status);
}
