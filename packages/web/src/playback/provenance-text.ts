import { type Provenance, pastedShare } from "@observer/protocol";

const count = new Intl.NumberFormat("en");

/**
 * The paste signal in neutral words: "Typed 1,234 characters · pasted 312 (20%)", or only
 * "Typed 1,234 characters" when nothing was pasted. It says how the characters arrived,
 * nothing more (a paste may be the teacher's own starter code).
 */
export function provenanceText(provenance: Provenance): string {
  const typed = `Typed ${count.format(provenance.typedChars)} characters`;
  if (provenance.pastedChars === 0) return typed;
  const percent = Math.round(pastedShare(provenance) * 100);
  return `${typed} · pasted ${count.format(provenance.pastedChars)} (${percent}%)`;
}
