/** Most output stored per run, in bytes of UTF-8. */
export const STORED_OUTPUT_BYTES = 1024 * 1024;

/** Put before the end of an output kept only in part because its student's storage is full. */
export const QUOTA_CUT_NOTICE =
  "[Storage for this session is full: only the end of this output is kept.]\r\n";

/**
 * Output as stored: NUL removed (PostgreSQL text cannot hold it), cut to STORED_OUTPUT_BYTES
 * (its beginning kept), then to `roomBytes` (its end kept, after QUOTA_CUT_NOTICE) when the
 * student's storage quota leaves less room.
 */
export function storableOutput(
  output: string,
  roomBytes = STORED_OUTPUT_BYTES,
): { text: string; cut: boolean } {
  const clean = output.includes("\u0000") ? output.replaceAll("\u0000", "") : output;
  let text = clean;
  let cut = false;
  if (Buffer.byteLength(text) > STORED_OUTPUT_BYTES) {
    text = Buffer.from(text)
      .subarray(0, STORED_OUTPUT_BYTES)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    cut = true;
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > roomBytes) {
    const keep = Math.max(0, roomBytes - Buffer.byteLength(QUOTA_CUT_NOTICE));
    const tail = Buffer.from(text)
      .subarray(bytes - keep)
      .toString("utf8")
      .replace(/^\uFFFD/, "");
    text = keep > 0 ? QUOTA_CUT_NOTICE + tail : "";
    cut = true;
  }
  return { text, cut };
}
