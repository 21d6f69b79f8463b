import { Readable } from "node:stream";
import type { AiStreamEvent } from "@observer/protocol";

/**
 * The answer's `text/event-stream`: one `data: <json>` event per AiStreamEvent. `onGone` runs
 * once when the stream is destroyed before it ended (the client disconnected, and Fastify
 * destroyed the reply's stream), so the provider's request can be aborted.
 */
export class SseStream {
  readonly readable: Readable;
  private ended = false;

  constructor(onGone: () => void) {
    this.readable = new Readable({
      read() {},
      destroy: (err, callback) => {
        if (!this.ended) {
          this.ended = true;
          onGone();
        }
        callback(err);
      },
    });
  }

  send(event: AiStreamEvent): void {
    if (!this.ended) this.readable.push(`data: ${JSON.stringify(event)}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.readable.push(null);
  }
}
