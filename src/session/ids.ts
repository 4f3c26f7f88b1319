// Session ids: 128 random bits as 32 lowercase hex characters; nothing else is ever accepted.

const ID = /^[0-9a-f]{32}$/;

export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = "";
  for (const b of bytes) id += b.toString(16).padStart(2, "0");
  return id;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}
