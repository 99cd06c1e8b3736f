/**
 * CSV as RFC 4180 writes it (fields with a comma, a double quote, CR or LF are quoted, quotes doubled; CRLF line
 * ends), hardened against formula injection: audit events carry text that developers and admins typed (service names,
 * reasons), and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or tab or CR, which some strip
 * first) as a formula. Such a cell gets a leading `'`, which spreadsheets read as "text" (OWASP, CSV Injection).
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralised and quoted as needed. */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ending in CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
