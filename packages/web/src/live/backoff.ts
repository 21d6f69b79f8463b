export interface BackoffOptions {
  /** First delay in ms. */
  baseMs?: number;
  /** Largest delay in ms. */
  maxMs?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/**
 * How long to wait before reconnect attempt number `attempt` (0 = the first retry):
 * exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (between half and all of
 * it) so that a class whose Wi-Fi came back does not reconnect in one burst.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, maxMs = 10_000, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
