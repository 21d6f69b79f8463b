/** The speeds playback offers: 1× is real time. */
export const PLAYBACK_SPEEDS = [1, 4, 16] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** The clock time of a moment (ms since the epoch), with seconds: "09:42:13". */
export function formatClock(at: number): string {
  return clock.format(new Date(at));
}

const two = (n: number) => String(n).padStart(2, "0");

/** How far into the session a moment is: "+12:30", "+1:02:03" (never negative). */
export function formatOffset(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `+${h}:${two(m)}:${two(s)}` : `+${m}:${two(s)}`;
}

/** The same in words, for a screen reader: "1 h 2 min 3 s into the session". */
export function offsetWords(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h > 0 ? `${h} h` : "", m > 0 ? `${m} min` : "", `${s} s`].filter(Boolean);
  return `${parts.join(" ")} into the session`;
}

/**
 * Where playback is after `elapsedMs` of real time at `speed`, never past `to`: the time, and
 * whether it reached the end (and so stops).
 */
export function advance(
  time: number,
  elapsedMs: number,
  speed: number,
  to: number,
): { time: number; ended: boolean } {
  const next = time + Math.max(0, elapsedMs) * speed;
  return next >= to ? { time: to, ended: true } : { time: next, ended: false };
}
