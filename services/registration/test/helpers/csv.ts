/**
 * Parses CSV exactly as RFC 4180 defines it and refuses anything else: every record ends with CRLF, a field with a
 * comma, quote, CR or LF must be quoted, and a quote inside a quoted field is doubled.
 */
export function parseCsv(text: string): string[][] {
  if (text.length > 0 && !text.endsWith('\r\n')) throw new Error('the last record does not end with CRLF');
  const unquoted = /[^",\r\n]*/y;
  const records: string[][] = [];
  let record: string[] = [];
  let at = 0;
  while (at < text.length) {
    let field = '';
    if (text[at] === '"') {
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error(`unterminated quoted field at ${at}`);
        field += text.slice(from, quote);
        if (text[quote + 1] !== '"') {
          at = quote + 1;
          break;
        }
        field += '"';
        from = quote + 2;
      }
    } else {
      unquoted.lastIndex = at;
      field = unquoted.exec(text)?.[0] ?? '';
      at += field.length;
    }
    record.push(field);
    if (text[at] === ',') {
      at += 1;
    } else if (text.startsWith('\r\n', at)) {
      records.push(record);
      record = [];
      at += 2;
    } else {
      throw new Error(`unexpected ${JSON.stringify(text[at])} at ${at}`);
    }
  }
  return records;
}
