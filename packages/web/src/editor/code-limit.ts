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
