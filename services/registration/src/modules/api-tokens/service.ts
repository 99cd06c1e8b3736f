import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { problems } from '../../errors.ts';
import { type PageRequest, readPage, toPage, UUID_KEY } from '../../pagination.ts';
import { type ApiTokenRecord, insertToken, listTokens, revokeToken } from './repository.ts';
import { displayPrefix, generateToken, hashToken } from './token-format.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LIFETIME_DAYS = 90;

function toView(record: ApiTokenRecord) {
  return {
    ...record,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

/** A new token's lifetime in days: what it lasts unless asked otherwise, and the most it may (API_TOKEN_MAX_DAYS). */
export function tokenLifetimeDays(maxDays: number): { default: number; maximum: number } {
  return { default: Math.min(DEFAULT_LIFETIME_DAYS, maxDays), maximum: maxDays };
}

/** Creates a token and returns it once; only its hash is kept. */
export async function createApiToken(
  db: Kysely<Database>,
  userId: string,
  input: { name: string; expiresInDays?: number },
  maxDays: number,
) {
  const days = input.expiresInDays ?? tokenLifetimeDays(maxDays).default;
  if (days > maxDays) {
    throw problems.validation([{ path: '/body/expiresInDays', message: `must be at most ${maxDays}` }]);
  }
  const token = generateToken();
  const record = await insertToken(db, {
    id: uuidv7(),
    userId,
    name: input.name.trim(),
    tokenHash: hashToken(token),
    tokenPrefix: displayPrefix(token),
    expiresAt: new Date(Date.now() + days * DAY_MS),
  });
  return { ...toView(record), token };
}

/** A page of the user's tokens, with the lifetime a new one may have (so a form states the deployment's real limit). */
export async function listApiTokenPage(db: Kysely<Database>, userId: string, query: PageRequest, maxDays: number) {
  const window = readPage(query, UUID_KEY);
  const rows = await listTokens(db, userId, window);
  const page = toPage(rows, window.limit, (row) => row.id);
  return { items: page.items.map(toView), nextCursor: page.nextCursor, lifetimeDays: tokenLifetimeDays(maxDays) };
}

export async function revokeApiToken(db: Kysely<Database>, userId: string, id: string): Promise<void> {
  if (!(await revokeToken(db, userId, id))) throw problems.notFound('The API token');
}
