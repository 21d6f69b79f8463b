import { z } from "zod";

/** Text checks shared by the schemas. */

/** No control characters (C0, DEL, C1: newlines, NUL, escapes) in a one-line name. */
export const hasNoControlChars = (s: string) => !/\p{Cc}/u.test(s);

/**
 * No invisible format characters (Unicode category Cf: bidi overrides and isolates, zero-width
 * spaces and joiners, the BOM, soft hyphens): they let a name pose as another or reorder text.
 */
export const hasNoFormatChars = (s: string) => !/\p{Cf}/u.test(s);

/** Code may hold newlines and tabs, but not NUL, which no PostgreSQL text column can store. */
export const hasNoNul = (s: string) => !s.includes("\u0000");

/** Size of a string in UTF-8 bytes. */
export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * A required one-line text field such as a name: trimmed, 1 to `maxChars` characters, no
 * control characters. `label` starts the messages ("Name must be at most 80 characters.").
 */
export function oneLineTextSchema(label: string, maxChars: number, emptyMessage: string) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(maxChars, `${label} must be at most ${maxChars} characters.`)
    .refine(hasNoControlChars, `${label} contains invalid characters.`);
}
