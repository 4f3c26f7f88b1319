// The messages between the server and an interpreter's isolate (interpreter.ts and
// interpreter_main.ts): requests in, responses out as a head and chunks, and the session
// operations the isolate asks the server to do (it never opens the store itself).
import type { SessionSettings } from "../session/settings.ts";

/** What an interpreter's site needs to know: it has no config file or data directory. */
export interface InterpreterSite {
  /** The interpreter's directory: the isolate's document root. */
  root: string;
  /** The URL prefix it serves ("/tenant-a/"), taken off before resolving. */
  basePath: string;
  /** Where the server put this interpreter's uploads (the isolate may only read there). */
  uploadDir: string;
  debug: boolean;
  autoreload: boolean;
  maxBodySize: number;
  requestTimeout: number;
  fsTtl: number;
  liveReload: boolean;
}

/** A form field the server parsed: a value, or an upload already on disk. */
export type FormField = [
  string,
  string | { field: string; filename: string; type: string; size: number; path: string },
];

export type ToIsolate =
  | { type: "init"; site: InterpreterSite }
  | {
    type: "request";
    id: number;
    method: string;
    /** As the client asked for it (scheme and host as a trusted proxy says). */
    url: string;
    headers: [string, string][];
    body: Uint8Array<ArrayBuffer> | null;
    /** A multipart form the server has read (its files written for the isolate). */
    form: FormField[] | null;
    remoteAddr: string;
  }
  | { type: "cancel"; id: number }
  /** Are you still answering? (asked while a streamed answer is open past the time limit) */
  | { type: "ping" }
  | { type: "reply"; call: number; value?: unknown; error?: { status: number; message: string } };

/** A session as the isolate sees it after `open`. */
export interface SessionState {
  id: string;
  isNew: boolean;
  created: number;
  lastAccessed: number;
  timeout: number;
  data: Record<string, unknown>;
}

export type SessionCall =
  | { op: "open"; settings: SessionSettings }
  | { op: "save"; data: Record<string, unknown> }
  | { op: "invalidate" }
  | { op: "regenerate" }
  | { op: "close"; commit: boolean; data: Record<string, unknown> };

/** A response's status and headers, as they cross. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}

export type FromIsolate =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "head"; id: number } & ResponseHead
  /** A whole response in one message: what most answers are. */
  | { type: "whole"; id: number; body: Uint8Array<ArrayBuffer> | null } & ResponseHead
  | { type: "chunk"; id: number; bytes: Uint8Array }
  | { type: "end"; id: number }
  | { type: "error"; id: number; message: string }
  | { type: "session"; call: number; id: number; request: SessionCall }
  | { type: "pong" }
  | { type: "log"; message: string }
  /** The isolate's code called `Deno.exit()` or `close()`: it is about to be gone. */
  | { type: "exit" };
