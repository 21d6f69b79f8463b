import type { Hand } from "@observer/protocol";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { HelpQueue } from "../live/help-queue.ts";
import { setTitleBadge } from "../ui/title.ts";
import { chime, prime } from "./chime.ts";
import { NewHands, newHandsAnnouncement } from "./new-hands.ts";

/** localStorage key of the teacher's choice (per browser: a classroom PC may be muted). */
const ALERTS_KEY = "observer:hand-alerts";

const readChoice = () => {
  try {
    return localStorage.getItem(ALERTS_KEY) === "on";
  } catch {
    return false;
  }
};

const pageHidden = () => typeof document !== "undefined" && document.visibilityState === "hidden";

/**
 * The teacher's alerts of new hands: the polite announcement for screen readers (always), and,
 * when they opted in, a chime and a badge in the tab title ("(2 ✋)": hands waiting) while the
 * dashboard's tab is not the one they look at. The badge goes when they come back to the tab.
 */
export function useHandAlerts(queue: HelpQueue) {
  const hands = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const tracker = useRef(new NewHands());
  const [announcement, setAnnouncement] = useState("");
  const [enabled, setEnabled] = useState(readChoice);
  const [hidden, setHidden] = useState(pageHidden);
  const waiting = hands.filter((hand: Hand) => hand.status === "waiting").length;

  useEffect(() => {
    const fresh = tracker.current.observe(hands, queue.loaded);
    if (fresh.length === 0) return;
    setAnnouncement(newHandsAnnouncement(fresh));
    if (enabled && pageHidden()) chime();
  }, [hands, queue, enabled]);

  useEffect(() => {
    const onVisibility = () => setHidden(pageHidden());
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  useEffect(() => {
    setTitleBadge(enabled && hidden && waiting > 0 ? `${waiting} ✋` : null);
  }, [enabled, hidden, waiting]);
  useEffect(() => () => setTitleBadge(null), []);

  const choose = useCallback((on: boolean) => {
    setEnabled(on);
    if (on) prime();
    try {
      localStorage.setItem(ALERTS_KEY, on ? "on" : "off");
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);

  return { announcement, alertsEnabled: enabled, setAlertsEnabled: choose };
}
