import { ProblemError } from './errors.ts';
import { DEFAULT_PAGE_SIZE } from './schemas/common.ts';

/**
 * Keyset pagination cursors. The cursor is the last key of a page, base64url-encoded so that clients treat it as
 * opaque; the key is whatever the list orders by (a UUIDv7, a bigint id, or a timestamp with an id here).
 */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor with `parse`, which answers the key or `undefined` for text that is not a key this API issues.
 * Anything a client forged is refused here, before it can reach a query and fail there.
 */
function decodeCursor<K>(cursor: string | undefined, parse: (key: string) => K | undefined): K | undefined {
  if (cursor === undefined) return undefined;
  const key = parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (key === undefined) {
    throw new ProblemError({
      status: 400,
      code: 'invalid_cursor',
      title: 'Invalid cursor',
      detail: 'The cursor is not one this API returned; start again without it.',
      errors: [{ path: '/querystring/cursor', message: 'is not a valid cursor' }],
    });
  }
  return key;
}

/** Splits the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// At most 18 digits: every such number fits a PostgreSQL bigint (2^63 - 1 has 19), so a forged cursor cannot make the
// query fail with "out of range".
export const BIGINT_KEY = /^[0-9]{1,18}$/;

/** What a list endpoint's query says about the page it wants. */
export interface PageRequest {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** The page size and the key to continue after, from `?limit=&cursor=`. */
export function readPage(request: PageRequest, keyPattern: RegExp): { limit: number; before?: string } {
  const before = decodeCursor(request.cursor, (key) => (keyPattern.test(key) ? key : undefined));
  return { limit: request.limit ?? DEFAULT_PAGE_SIZE, ...(before !== undefined && { before }) };
}

/**
 * A key of a list ordered by a timestamp, then by id: `at` is the timestamp in UTC with PostgreSQL's full
 * (microsecond) precision, `2026-11-23T09:30:00.123456Z`, so that the next page starts exactly after the last row.
 */
export interface TimestampKey {
  readonly at: string;
  readonly id: string;
}

const TIMESTAMP = /^((?:19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

/** The cursor text of a {@link TimestampKey}. */
export function formatTimestampKey(key: TimestampKey): string {
  return `${key.at}|${key.id}`;
}

function parseTimestampKey(text: string, idPattern: RegExp): TimestampKey | undefined {
  const bar = text.indexOf('|');
  if (bar < 0) return undefined;
  const at = text.slice(0, bar);
  const id = text.slice(bar + 1);
  const match = TIMESTAMP.exec(at);
  if (!match?.[1] || !idPattern.test(id)) return undefined;
  // The instant must exist: a 13th month, 30 February or 24:00 pass the pattern, and PostgreSQL would answer them
  // with an error instead of a page. A real instant survives the round trip through Date unchanged.
  const milliseconds = `${match[1]}Z`;
  const parsed = new Date(milliseconds);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== milliseconds) return undefined;
  return { at, id };
}

/**
 * The page size and the timestamp key to continue after, from `?limit=&cursor=`; the key's id matches `idPattern`
 * (UUIDs by default, {@link BIGINT_KEY} for lists of bigint ids).
 */
export function readTimestampPage(
  request: PageRequest,
  idPattern: RegExp = UUID_KEY,
): { limit: number; after?: TimestampKey } {
  const after = decodeCursor(request.cursor, (text) => parseTimestampKey(text, idPattern));
  return { limit: request.limit ?? DEFAULT_PAGE_SIZE, ...(after !== undefined && { after }) };
}
