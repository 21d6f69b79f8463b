/** A failed question as the student reads it: a short title and what to do. */
export interface AiProblem {
  code: string;
  title: string;
  detail: string;
  /** Whether asking again may help (not while AI help is off or not set up). */
  retry: boolean;
}

const KNOWN: Record<string, { title: string; fallback: string; retry: boolean; after?: string }> = {
  ai_disabled: {
    title: "AI help is off",
    fallback: "Your teacher has turned AI help off for this session.",
    retry: false,
  },
  ai_not_configured: {
    title: "AI help is not set up",
    fallback: "Your teacher has not set up an AI service yet.",
    retry: false,
    after: "Raise your hand to ask your teacher instead.",
  },
  ai_limit_reached: {
    title: "Question limit reached",
    fallback: "You have asked the AI as often as your teacher allows this hour. Try again later.",
    retry: false,
    after: "Raise your hand if you are stuck.",
  },
  ai_provider_error: {
    title: "The AI service failed",
    fallback: "The AI service did not answer. Try again in a moment.",
    retry: true,
  },
  network_error: {
    title: "Connection lost",
    fallback: "The connection broke before the answer was complete. Check your connection and try again.",
    retry: true,
  },
  rate_limited: {
    title: "Too many requests",
    fallback: "Too many requests. Wait a moment and try again.",
    retry: true,
  },
};

/**
 * What a failed question says, by the API's error code (a JSON error before the stream, or an
 * `error` event in it): a title per code, the server's own message as the detail (the
 * provider's reason, the limit's wait), and a next step where one helps.
 */
export function aiProblem(code: string, serverMessage: string): AiProblem {
  const known = KNOWN[code];
  const message = serverMessage.trim();
  if (!known)
    return {
      code,
      title: "Could not ask",
      detail: message || "Something went wrong. Try again.",
      retry: true,
    };
  const detail = [message || known.fallback, known.after].filter(Boolean).join(" ");
  return { code, title: known.title, detail, retry: known.retry };
}
