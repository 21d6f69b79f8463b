import { describe, expect, it } from "vitest";
import { parseAiEvent, SseParser } from "./sse.ts";

describe("SseParser", () => {
  it("splits a stream into the data of its events, whatever the chunks", () => {
    const body = 'data: {"a":1}\n\n: a comment\nevent: message\ndata: {"b":2}\n\ndata: x\r\n\r\n';
    const whole = new SseParser();
    expect([...whole.push(body), ...whole.end()]).toEqual(['{"a":1}', '{"b":2}', "x"]);
    // The same body one character at a time: the same events.
    const bytewise = new SseParser();
    const events: string[] = [];
    for (const char of body) events.push(...bytewise.push(char));
    expect([...events, ...bytewise.end()]).toEqual(['{"a":1}', '{"b":2}', "x"]);
  });

  it("joins the data lines of one event, and keeps a CR LF split across chunks as one line end", () => {
    const parser = new SseParser();
    expect(parser.push("data: one\r")).toEqual([]);
    expect(parser.push("\ndata:two\r")).toEqual([]);
    expect(parser.push("\n\r\n")).toEqual(["one\ntwo"]);
  });

  it("gives an event left without its blank line when the stream ends, and nothing for a half line of nothing", () => {
    const parser = new SseParser();
    expect(parser.push('data: {"type":"done"')).toEqual([]);
    expect(parser.end()).toEqual(['{"type":"done"']);
    expect(new SseParser().end()).toEqual([]);
  });
});

describe("parseAiEvent", () => {
  it("reads the events of the protocol and refuses anything else", () => {
    expect(parseAiEvent('{"type":"delta","text":"Hi"}')).toEqual({ type: "delta", text: "Hi" });
    expect(parseAiEvent('{"type":"done","cut":true}')).toEqual({ type: "done", cut: true });
    expect(parseAiEvent('{"type":"error","code":"ai_provider_error","message":"down"}')).toEqual({
      type: "error",
      code: "ai_provider_error",
      message: "down",
    });
    expect(parseAiEvent("not json")).toBeNull();
    expect(parseAiEvent('{"type":"delta"}')).toBeNull();
    expect(parseAiEvent('{"type":"surprise"}')).toBeNull();
  });
});
