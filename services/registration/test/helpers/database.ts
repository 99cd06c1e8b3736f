import { randomBytes } from 'node:crypto';
import { createDb, migrateToLatest } from '@payerbox/db';
import { sql } from 'kysely';
import type { Test } from 'tap';
import { testDatabaseUrl } from './app.ts';

/**
 * A migrated database of its own on the test run's server, dropped at teardown: for tests of what is global to a
 * deployment (the cached organizations), which other suites running in parallel must not see or change.
 */
export async function isolatedDatabaseUrl(t: Test): Promise<string> {
  const name = `payerbox_isolated_${randomBytes(6).toString('hex')}`;
  const admin = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  t.teardown(async () => {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await admin.destroy();
  });
  const db = createDb({ databaseUrl: url.toString(), poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url.toString();
}
