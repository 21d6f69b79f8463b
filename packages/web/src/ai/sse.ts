import { type AiStreamEvent, aiStreamEventSchema } from "@observer/protocol";

/**
 * Splits a `text/event-stream` body, fed in chunks as they arrive, into the data of its
 * events (the WHATWG "server-sent events" rules that matter here): lines end in LF, CRLF or
 * CR; `data:` lines of one event join with "\n"; a blank line ends the event; comments (`:`)
 * and other fields (`event:`, `id:`, `retry:`) are skipped. A chunk may end anywhere, even
 * between a CR and its LF.
 */
export class SseParser {
  #buffer = "";
  #data: string[] = [];
  /** The last chunk ended in CR: an LF opening the next chunk belongs to that line end. */
  #afterCr = false;

  /** Takes the next chunk of text; returns the data of each event it completed. */
  push(chunk: string): string[] {
    let text = chunk;
    if (this.#afterCr && text.startsWith("\n")) text = text.slice(1);
    this.#afterCr = text.endsWith("\r");
    this.#buffer += text;
    const events: string[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") {
        if (this.#data.length > 0) events.push(this.#data.join("\n"));
        this.#data = [];
      } else if (line.startsWith("data:")) {
        const value = line.slice(5);
        this.#data.push(value.startsWith(" ") ? value.slice(1) : value);
      } else if (line === "data") this.#data.push("");
    }
    return events;
  }

  /** The stream ended: the data of an event left without its closing blank line, if any. */
  end(): string[] {
    const rest = this.#buffer === "" ? [] : this.push("\n");
    const events = [...rest];
    if (this.#data.length > 0) events.push(this.#data.join("\n"));
    this.#data = [];
    this.#buffer = "";
    return events;
  }
}

/** One event's data as an AI stream event, or null when it is not one (not JSON, another shape). */
export function parseAiEvent(data: string): AiStreamEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = aiStreamEventSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
