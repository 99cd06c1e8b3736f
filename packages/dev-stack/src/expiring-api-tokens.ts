// For tests: API tokens that expire soon without waiting for days. A token is made through the API, then its times are
// moved back as if it had been created long ago; the notifier's own scan then finds it.
import { createDb } from '@payerbox/db';
import { type ExpiryScanResult, notifyExpiringApiTokens } from '@payerbox/notifier';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whoever can call the registration API: a stack's user or a browser test's account. */
export interface ApiCaller {
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export interface AgedToken {
  readonly id: string;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly expiresAt: Date;
}

/**
 * A token of `caller` that now expires in `expiresInDays` (negative: expired) after living `lifetimeDays` in all (30
 * unless told): as if it had been created `lifetimeDays - expiresInDays` days ago.
 */
export async function tokenExpiringIn(
  databaseUrl: string,
  caller: ApiCaller,
  options: { readonly expiresInDays: number; readonly lifetimeDays?: number; readonly name?: string },
): Promise<AgedToken> {
  const lifetimeDays = options.lifetimeDays ?? 30;
  const name = options.name ?? `token-${Math.random().toString(36).slice(2, 8)}`;
  const created = await caller.api('POST', '/api-tokens', { name, expiresInDays: lifetimeDays });
  if (created.status !== 201) throw new Error(`token not created: ${JSON.stringify(created.body)}`);
  const expiresAt = new Date(Date.now() + options.expiresInDays * DAY_MS);
  const db = createDb({ databaseUrl, poolSize: 1 });
  try {
    await db
      .updateTable('apiTokens')
      .set({ expiresAt, createdAt: new Date(expiresAt.getTime() - lifetimeDays * DAY_MS) })
      .where('id', '=', created.body.id)
      .execute();
  } finally {
    await db.destroy();
  }
  return { id: created.body.id, name, tokenPrefix: created.body.tokenPrefix, expiresAt };
}

/** One run of the notifier's scan for expiring tokens against the database, as a notifier runs it. */
export async function scanExpiringApiTokens(databaseUrl: string): Promise<ExpiryScanResult> {
  const db = createDb({ databaseUrl, poolSize: 1 });
  try {
    return await notifyExpiringApiTokens(db, { emailMaxAttempts: 1 });
  } finally {
    await db.destroy();
  }
}
