/**
 * `text` with the wildcards of SQL `LIKE` (`%`, `_`) and its escape character (`\`, PostgreSQL's default) escaped, so
 * that a pattern built from it matches them literally: a search for `50%_off` finds that text, not every name that
 * starts with 50.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The `LIKE`/`ILIKE` pattern of every text that contains `text` literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
