import type { AiLogEntry } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { AiLog } from "./ai-log.ts";

const entry = (id: string, userId: string, at: string, patch: Partial<AiLogEntry> = {}): AiLogEntry => ({
  id,
  userId,
  name: userId === "u1" ? "Ada" : "Ben",
  kind: "hint",
  message: "",
  answer: "",
  at,
  mode: "hints",
  status: "answered",
  error: null,
  cut: false,
  ...patch,
});

describe("AiLog", () => {
  it("keeps the exchanges oldest first and counts each student's, with their latest", () => {
    const log = new AiLog();
    log.load([entry("b", "u1", "2026-01-01T10:05:00Z"), entry("a", "u2", "2026-01-01T10:00:00Z")]);
    log.apply(entry("c", "u1", "2026-01-01T10:09:00Z", { kind: "question", message: "Why?" }));
    expect(log.getSnapshot().map((e) => e.id)).toEqual(["a", "b", "c"]);
    expect(log.summaryOf("u1")).toMatchObject({ count: 2, last: { id: "c", message: "Why?" } });
    expect(log.summaryOf("u2")?.count).toBe(1);
    expect(log.summaryOf("nobody")).toBeNull();
  });

  it("never takes a finished exchange back to streaming (a log loaded before the news)", () => {
    const log = new AiLog();
    log.apply(entry("a", "u1", "2026-01-01T10:00:00Z", { status: "streaming" }));
    log.apply(entry("a", "u1", "2026-01-01T10:00:00Z", { status: "answered", answer: "Look at line 3." }));
    log.load([entry("a", "u1", "2026-01-01T10:00:00Z", { status: "streaming" })]);
    expect(log.getSnapshot()).toHaveLength(1);
    expect(log.getSnapshot()[0]).toMatchObject({ status: "answered", answer: "Look at line 3." });
  });

  it("wakes a student's tile only when their own questions change", () => {
    const log = new AiLog();
    log.apply(entry("a", "u1", "2026-01-01T10:00:00Z"));
    const ada = log.summaryOf("u1");
    let calls = 0;
    const stop = log.subscribe(() => calls++);
    log.apply(entry("b", "u2", "2026-01-01T10:01:00Z"));
    expect(log.summaryOf("u1")).toBe(ada);
    log.apply(entry("c", "u1", "2026-01-01T10:02:00Z"));
    expect(log.summaryOf("u1")).not.toBe(ada);
    stop();
    expect(calls).toBe(2);
  });
});
