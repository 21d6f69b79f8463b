/** Cursor and avatar colours: distinct, readable with white text, fine on light and dark. */
export const PRESENCE_COLORS = [
  "#e11d48",
  "#c2410c",
  "#b45309",
  "#15803d",
  "#0f766e",
  "#0369a1",
  "#4f46e5",
  "#7e22ce",
  "#be185d",
] as const;

/** A stable colour for a user (the same on every screen and every day). */
export function colorFor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length] ?? PRESENCE_COLORS[0];
}

/** Black or white, whichever reads better on `hex` (#rrggbb). */
export function textColorOn(hex: string): "#000000" | "#ffffff" {
  const value = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.35 ? "#000000" : "#ffffff";
}
