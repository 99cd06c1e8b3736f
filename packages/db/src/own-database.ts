import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDb } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';

/** A database made for one user of the server, migrated to the latest schema. */
export interface OwnDatabase {
  readonly url: string;
  readonly name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates and migrates a database named `<prefix>_<random>` on the server `serverUrl` points at, for a test suite or a
 * benchmark that must not share state with others on that server (a queue whose claims take every due job, a
 * migration run down and up, deployment-wide caches).
 */
export async function createOwnDatabase(serverUrl: string, prefix: string): Promise<OwnDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const server = createDb({ databaseUrl: serverUrl, poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(server);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    try {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server);
    } finally {
      await server.destroy();
    }
  };
  const db = createDb({ databaseUrl: url.toString(), poolSize: 1 });
  try {
    await migrateToLatest(db, url.toString());
  } catch (error) {
    await db.destroy();
    await drop();
    throw error;
  }
  await db.destroy();
  return { url: url.toString(), name, drop };
}
