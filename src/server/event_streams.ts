// Server-sent event streams end when the server shuts down: EventSource reconnects by itself
// (to the next process), whereas a stream left open would hold the shutdown up to its timeout.
// Other long answers (a download, a report being written) are left to finish.

const EVENT_STREAM = /^text\/event-stream\b/i;

export class EventStreams {
  #open = new Set<TransformStreamDefaultController<Uint8Array>>();

  /** `res`, ended by `endAll()` if it is an event stream. */
  track(res: Response): Response {
    // The type first: reading `body` would turn a byte body into a stream.
    const type = res.headers.get("content-type");
    if (type === null || !EVENT_STREAM.test(type) || res.body === null) return res;
    let stream: TransformStreamDefaultController<Uint8Array>;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start: (c) => void this.#open.add(stream = c),
        flush: () => void this.#open.delete(stream),
        cancel: () => void this.#open.delete(stream),
      }),
    );
    return new Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  }

  /** Ends every event stream open now (the server is going away). */
  endAll(): void {
    for (const stream of this.#open) stream.terminate();
    this.#open.clear();
  }
}
