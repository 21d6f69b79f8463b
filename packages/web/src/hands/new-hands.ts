import type { Hand } from "@observer/protocol";

/**
 * Tells which hands are newly raised, for the teacher's alerts: a waiting hand not seen
 * before. The hands of the first full list (those already up when the dashboard opened) are
 * known, not new; until that list arrives nothing is announced, so opening a class with five
 * hands up does not ring five times.
 */
export class NewHands {
  readonly #seen = new Set<string>();
  #baseline = false;

  /** The queue's hands now, and whether its first full list has arrived: returns the new ones. */
  observe(hands: readonly Hand[], loaded: boolean): Hand[] {
    if (!loaded) return [];
    const fresh = hands.filter((hand) => !this.#seen.has(hand.id));
    for (const hand of fresh) this.#seen.add(hand.id);
    if (!this.#baseline) {
      this.#baseline = true;
      return [];
    }
    return fresh.filter((hand) => hand.status === "waiting");
  }
}

/** What a screen reader hears of newly raised hands. */
export function newHandsAnnouncement(hands: readonly Hand[]): string {
  if (hands.length === 0) return "";
  if (hands.length > 1) return `${hands.length} new raised hands: ${hands.map((h) => h.name).join(", ")}.`;
  const [hand] = hands as [Hand];
  const about = hand.line ? ` about line ${hand.line}` : "";
  return `${hand.name} raised a hand${about}${hand.message ? `: “${hand.message}”` : "."}`;
}
