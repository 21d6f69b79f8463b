import { useSyncExternalStore } from "react";

interface Clock {
  now: number;
  subscribe: (listener: () => void) => () => void;
  read: () => number;
}

/** One shared clock per interval, ticking only while someone listens. */
const clocks = new Map<number, Clock>();

function clockFor(intervalMs: number): Clock {
  const existing = clocks.get(intervalMs);
  if (existing) return existing;
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | null = null;
  const clock: Clock = {
    now: Date.now(),
    subscribe: (listener) => {
      listeners.add(listener);
      timer ??= setInterval(() => {
        clock.now = Date.now();
        for (const l of listeners) l();
      }, intervalMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== null) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
    read: () => clock.now,
  };
  clocks.set(intervalMs, clock);
  return clock;
}

/**
 * The current time, re-rendering every `intervalMs` (all callers share one timer per
 * interval). It may lag by up to one interval: fine for "edited 2 min ago".
 */
export function useNow(intervalMs = 5000): number {
  const clock = clockFor(intervalMs);
  return useSyncExternalStore(clock.subscribe, clock.read);
}
