/**
 * CSV as RFC 4180 says, safe to open in a spreadsheet. One value per cell: strings, numbers,
 * booleans, dates (as ISO 8601), null/undefined (an empty cell). Lines end with CRLF.
 *
 *   toCsv(["name", "runs"], [["Ada", 3]]) === "name,runs\r\nAda,3\r\n"
 *
 * A cell is quoted when it holds a comma, a quote, CR or LF (quotes doubled inside). A text
 * cell that starts with `=`, `+`, `-`, `@`, a tab or CR gets a leading `'`, so a spreadsheet
 * shows it as text instead of running it as a formula (numbers, negative ones included, are
 * left as they are).
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell as CSV text. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record: its cells joined by commas, ending with CRLF. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** A whole file: the header line, then a line per row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}
