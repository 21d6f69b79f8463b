import type { Hand } from "@observer/protocol";
import { apiCall } from "../../packages/server/test/http-client.ts";

/** What the load knows of one student's hand from the HTTP replies. */
type HandState =
  | { kind: "down" }
  | { kind: "busy" } // a request of theirs is in flight
  | { kind: "up"; handId: string };

/** A student of the class: their user id and access token. */
export interface HandStudent {
  id: string;
  accessToken: string;
}

/**
 * Students raising and lowering hands at random, `changesPerSecond` changes in total: each tick
 * is a raise or a lowering with equal odds, by a random student whose hand is down (or up) and
 * whose last request was answered, so the queue stays short and both kinds are measured. Measures, while `measuring`, the time from sending the request to the
 * matching `hand_update` on the teacher's channel (fed with `heard`), in this process's clock.
 */
export class HandLoad {
  measuring = false;
  /** Request sent -> the teacher hears the hand waiting (ms). */
  readonly raised: number[] = [];
  /** Request sent -> the teacher hears the hand resolved (ms). */
  readonly lowered: number[] = [];
  /** Raise sent -> its HTTP reply (ms): the server's own part of `raised`. */
  readonly raiseReplied: number[] = [];
  /** Requests that did not get their expected status. */
  failures: string[] = [];
  private readonly states: HandState[];
  /** Per student, when the raise not yet heard by the teacher was sent. */
  private readonly pendingRaise = new Map<string, number>();
  /** Per hand id, when its lowering not yet heard by the teacher was sent. */
  private readonly pendingLower = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly sessionId: string,
    private readonly students: HandStudent[],
    private readonly changesPerSecond: number,
  ) {
    this.states = students.map(() => ({ kind: "down" }));
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000 / this.changesPerSecond);
  }

  /** Stops the ticks and waits for the requests under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  /** A `hand_update` the teacher received at `now` (performance.now()). */
  heard(hand: Hand, now: number): void {
    if (hand.status === "waiting") {
      const sent = this.pendingRaise.get(hand.userId);
      if (sent === undefined) return; // another hand moving up the queue
      this.pendingRaise.delete(hand.userId);
      if (this.measuring) this.raised.push(now - sent);
    } else if (hand.status === "resolved") {
      const sent = this.pendingLower.get(hand.id);
      if (sent === undefined) return;
      this.pendingLower.delete(hand.id);
      if (this.measuring) this.lowered.push(now - sent);
    }
  }

  private tick(): void {
    // Raise or lower with equal odds (the other when nobody can), by a random student who can.
    const down = this.states.flatMap((s, i) => (s.kind === "down" ? [i] : []));
    const up = this.states.flatMap((s, i) => (s.kind === "up" ? [i] : []));
    const pool = up.length === 0 || (down.length > 0 && Math.random() < 0.5) ? down : up;
    const i = pool[Math.floor(Math.random() * pool.length)];
    if (i === undefined) return;
    const request = this.change(i).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async change(i: number): Promise<void> {
    const student = this.students[i] as HandStudent;
    const state = this.states[i] as HandState;
    this.states[i] = { kind: "busy" };
    const base = `/api/sessions/${this.sessionId}/hands`;
    try {
      if (state.kind === "down") {
        const sent = performance.now();
        this.pendingRaise.set(student.id, sent);
        const res = await apiCall<{ hand: Hand }>(this.url, "POST", base, {
          token: student.accessToken,
          body: {},
        });
        if (this.measuring) this.raiseReplied.push(performance.now() - sent);
        if (res.status !== 201) throw new Error(`raise: ${res.status} ${JSON.stringify(res.json)}`);
        this.states[i] = { kind: "up", handId: res.json.hand.id };
      } else if (state.kind === "up") {
        this.pendingLower.set(state.handId, performance.now());
        const res = await apiCall<{ hand: Hand }>(this.url, "POST", `${base}/${state.handId}/resolve`, {
          token: student.accessToken,
        });
        if (res.status !== 200) throw new Error(`lower: ${res.status} ${JSON.stringify(res.json)}`);
        this.states[i] = { kind: "down" };
      }
    } catch (error) {
      this.failures.push(String(error));
      this.states[i] = state;
    }
  }
}
