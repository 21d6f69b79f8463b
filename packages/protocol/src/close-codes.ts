/**
 * WebSocket close codes of every Observer socket (the session channel, the run terminal and the
 * collaboration socket). 1000–1013 are the standard codes (RFC 6455, IANA registry); 44xx are
 * ours, named after the HTTP status they mirror (Hocuspocus uses 4401 / 4403 for auth too).
 */
export const CLOSE_CODES = {
  /** The work is done (a run finished; a client leaves). */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** A message larger than the socket accepts (sent by the `ws` library itself). */
  messageTooBig: 1009,
  /** The server failed, or cannot reach what the socket follows. */
  serverError: 1011,
  /** Try again later: the client could not keep up (its buffer filled). */
  tryAgainLater: 1013,
  malformed: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  tooManyRequests: 4429,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName];

/** A human reason per close code: the default text, and what a client may show for a code. */
export const CLOSE_REASONS: Record<CloseCode, string> = {
  [CLOSE_CODES.normal]: "Closed",
  [CLOSE_CODES.goingAway]: "Server shutting down",
  [CLOSE_CODES.messageTooBig]: "Message too large",
  [CLOSE_CODES.serverError]: "Server error",
  [CLOSE_CODES.tryAgainLater]: "Too slow; try again later",
  [CLOSE_CODES.malformed]: "Malformed message",
  [CLOSE_CODES.unauthorized]: "Unauthorized",
  [CLOSE_CODES.forbidden]: "Forbidden",
  [CLOSE_CODES.notFound]: "Not found",
  [CLOSE_CODES.tooLarge]: "Too large",
  [CLOSE_CODES.tooManyRequests]: "Too many requests",
};
