import type { AiAskKind, AiMode, AiStreamEvent } from "@observer/protocol";
import { ApiError } from "../api/errors.ts";
import { type AiProblem, aiProblem } from "./ai-errors.ts";

/** One question of the student's panel and its answer, as far as it has come. */
export interface AiExchange {
  /** Local key (the server's id arrives with the first event). */
  key: number;
  kind: AiAskKind;
  /** The student's own words (empty for a hint or an explanation). */
  message: string;
  status: "asking" | "streaming" | "answered" | "failed" | "cancelled";
  /** The mode the server answered in (from its `start` event). */
  mode: AiMode | null;
  answer: string;
  /** Hints mode shortened code blocks of the answer. */
  cut: boolean;
  problem: AiProblem | null;
}

/** What the panel shows as the question: the student's words, or what the button asked for. */
export const KIND_LABELS: Record<AiAskKind, string> = {
  hint: "Give me a hint",
  explain_error: "Explain this error",
  question: "Question",
};

export function newExchange(key: number, kind: AiAskKind, message: string): AiExchange {
  return { key, kind, message, status: "asking", mode: null, answer: "", cut: false, problem: null };
}

/** The exchange after one event of its stream. */
export function applyEvent(exchange: AiExchange, event: AiStreamEvent): AiExchange {
  switch (event.type) {
    case "start":
      return { ...exchange, status: "streaming", mode: event.mode };
    case "delta":
      return { ...exchange, status: "streaming", answer: exchange.answer + event.text };
    case "done":
      return { ...exchange, status: "answered", cut: event.cut };
    case "error":
      return { ...exchange, status: "failed", problem: aiProblem(event.code, event.message) };
  }
}

/** The exchange after its request failed: cancelled when aborted, else the error as a problem. */
export function failExchange(exchange: AiExchange, error: unknown): AiExchange {
  if (error instanceof DOMException && error.name === "AbortError")
    return { ...exchange, status: "cancelled" };
  const problem =
    error instanceof ApiError
      ? aiProblem(error.code, error.message)
      : aiProblem("", error instanceof Error ? error.message : "");
  return { ...exchange, status: "failed", problem };
}

/** Still waiting for the answer or part of it. */
export const isPending = (exchange: AiExchange) =>
  exchange.status === "asking" || exchange.status === "streaming";
