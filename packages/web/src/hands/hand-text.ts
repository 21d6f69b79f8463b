import type { Hand } from "@observer/protocol";

/** 1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** What a student reads of their own hand: "2nd in line", "Ms Rivera is coming to help". */
export function ownHandText(hand: Hand): string {
  if (hand.status === "helping") return `${hand.helperName ?? "Your teacher"} is coming to help`;
  if (hand.status === "resolved") return "Hand lowered";
  return hand.position ? `Hand raised: ${ordinal(hand.position)} in line` : "Hand raised";
}

/** How long a hand has waited, short: "just now", "3 min", "1 h 5 min". */
export function waitedText(createdAt: string, now: number): string {
  const minutes = Math.floor(Math.max(0, now - Date.parse(createdAt)) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ""}`;
}
