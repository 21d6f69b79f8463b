import { LIMITS, utf8Bytes } from "@observer/protocol";

/** Whether `value` fits in `capBytes` of UTF-8, without encoding it when it obviously does. */
export function fitsCap(value: string, capBytes: number = LIMITS.codeBytes): boolean {
  // One UTF-16 unit is at most 3 bytes of UTF-8.
  if (value.length * 3 <= capBytes) return true;
  if (value.length > capBytes) return false;
  return utf8Bytes(value) <= capBytes;
}

/**
 * The single edit that turns `from` into `to`: the differing middle, as offsets into `from`
 * and the text that replaces it (the common prefix and suffix stay untouched).
 */
export function minimalEdit(from: string, to: string): { start: number; end: number; text: string } {
  let start = 0;
  const shortest = Math.min(from.length, to.length);
  while (start < shortest && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let suffix = 0;
  while (
    suffix < shortest - start &&
    from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)
  )
    suffix++;
  return { start, end: from.length - suffix, text: to.slice(start, to.length - suffix) };
}

/** An insertion of this many bytes at once counts as a paste (80 characters of ASCII, as in the timeline). */
export const PASTE_BYTES = 80;

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * Why an edit was refused for size, blaming what caused it: a paste (an insertion of
 * PASTE_BYTES or more; too large by itself, or too large for the code it went into), or the
 * code having reached the limit while typing.
 */
export function tooLargeMessage(insertedBytes: number, capBytes: number = LIMITS.codeBytes): string {
  const cap = `${capBytes / 1024} KB`;
  if (insertedBytes >= PASTE_BYTES) {
    if (insertedBytes > capBytes)
      return `That paste is ${kb(insertedBytes)}, more than the ${cap} limit for code, so it was not pasted.`;
    return `That paste (${kb(insertedBytes)}) would take your code over the ${cap} limit, so it was not pasted.`;
  }
  return `Your code has reached the ${cap} limit, so that change was not made.`;
}
