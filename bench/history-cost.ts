// `npm run bench:history`: the storage cost of the live-code history per hour of typing.
// Simulates one student typing at 5 characters a second (with a newline every 40 characters
// and a backspace now and then) for an hour of virtual time, saved the way the persistence
// extension saves: every 2 s of typing, the updates since the last save merged into one
// history row, plus the whole state in the documents table. Pure Yjs: no server needed.
import * as Y from "yjs";

const HOUR_S = 3600;
const CHARS_PER_S = 5;
const SAVE_EVERY_S = 2;

const doc = new Y.Doc();
const text = doc.getText("code");
let pending: Uint8Array[] = [];
doc.on("update", (update: Uint8Array) => pending.push(update));

let rows = 0;
let historyBytes = 0;
let typed = 0;
for (let second = 1; second <= HOUR_S; second++) {
  for (let k = 0; k < CHARS_PER_S; k++) {
    typed += 1;
    if (typed % 97 === 0 && text.length > 0) text.delete(text.length - 1, 1);
    else text.insert(text.length, typed % 40 === 0 ? "\n" : String.fromCharCode(97 + (typed % 26)));
  }
  if (second % SAVE_EVERY_S === 0) {
    const merged = Y.mergeUpdates(pending);
    pending = [];
    rows += 1;
    historyBytes += merged.byteLength;
  }
}
const state = Y.encodeStateAsUpdate(doc);
// PostgreSQL stores each row with ~24 bytes of header, an 8-byte id, a timestamp, a name and an index entry.
const rowOverhead = 24 + 8 + 8 + 4 + 60 + 40;
const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
console.log(
  [
    `characters typed: ${typed} (${CHARS_PER_S}/s for one hour); code at the end: ${text.length} characters`,
    `history rows: ${rows}, update bytes: ${historyBytes} (${mib(historyBytes)} MiB), with row overhead ≈ ${mib(historyBytes + rows * rowOverhead)} MiB`,
    `current state: ${state.byteLength} bytes`,
    `per student-hour ≈ ${mib(historyBytes + rows * rowOverhead)} MiB; a class of 40 for an hour ≈ ${mib(40 * (historyBytes + rows * rowOverhead))} MiB`,
  ].join("\n"),
);
