import { ProblemError } from './errors.ts';
import { DEFAULT_PAGE_SIZE } from './schemas/common.ts';

/**
 * Keyset pagination cursors. The cursor is the last key of a page, base64url-encoded so that clients treat it as
 * opaque; the key is whatever the list orders by (a UUIDv7 or a bigint id here).
 */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key)) {
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
  const before = decodeCursor(request.cursor, keyPattern);
  return { limit: request.limit ?? DEFAULT_PAGE_SIZE, ...(before !== undefined && { before }) };
}
