import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors.ts";
import { aiProblem } from "./ai-errors.ts";
import { applyEvent, failExchange, newExchange } from "./exchange.ts";

describe("aiProblem", () => {
  it("names each refusal of the API in the student's words, with the server's details", () => {
    expect(aiProblem("ai_disabled", "")).toMatchObject({ title: "AI help is off", retry: false });
    expect(aiProblem("ai_not_configured", "Your teacher has not set up AI help yet.")).toEqual({
      code: "ai_not_configured",
      title: "AI help is not set up",
      detail: "Your teacher has not set up AI help yet. Raise your hand to ask your teacher instead.",
      retry: false,
    });
    expect(aiProblem("ai_limit_reached", "5 questions an hour; next in 12 min.")).toMatchObject({
      title: "Question limit reached",
      detail: "5 questions an hour; next in 12 min. Raise your hand if you are stuck.",
    });
    expect(aiProblem("ai_provider_error", "The provider answered 401: invalid API key")).toMatchObject({
      title: "The AI service failed",
      detail: "The provider answered 401: invalid API key",
      retry: true,
    });
    expect(aiProblem("network_error", "").detail).toMatch(/connection broke/);
  });

  it("keeps an unknown code's message, or says something rather than nothing", () => {
    expect(aiProblem("internal_error", "Something went wrong on the server.")).toMatchObject({
      title: "Could not ask",
      detail: "Something went wrong on the server.",
    });
    expect(aiProblem("", "  ").detail).toBe("Something went wrong. Try again.");
  });
});

describe("an exchange", () => {
  it("streams text, then ends answered (cut in hints mode) or failed", () => {
    let exchange = newExchange(1, "hint", "");
    exchange = applyEvent(exchange, { type: "start", exchangeId: "a".repeat(8), mode: "hints" });
    exchange = applyEvent(exchange, { type: "delta", text: "Look at " });
    exchange = applyEvent(exchange, { type: "delta", text: "the loop." });
    expect(exchange).toMatchObject({ status: "streaming", mode: "hints", answer: "Look at the loop." });
    expect(applyEvent(exchange, { type: "done", cut: true })).toMatchObject({
      status: "answered",
      cut: true,
    });
    const failed = applyEvent(exchange, { type: "error", code: "ai_provider_error", message: "timed out" });
    expect(failed).toMatchObject({ status: "failed", answer: "Look at the loop." });
    expect(failed.problem?.detail).toBe("timed out");
  });

  it("is cancelled when aborted and failed with the API's code otherwise", () => {
    const asking = newExchange(2, "question", "Why?");
    expect(failExchange(asking, new DOMException("x", "AbortError")).status).toBe("cancelled");
    const refused = failExchange(asking, new ApiError(429, "ai_limit_reached", "Later."));
    expect(refused.problem).toMatchObject({ code: "ai_limit_reached", title: "Question limit reached" });
  });
});
