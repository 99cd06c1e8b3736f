import { createDb, type Database } from '@payerbox/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

export interface DatabasePluginOptions {
  readonly databaseUrl: string;
  readonly poolSize: number;
  /** False runs every query unnamed (see createDb's `preparedStatements`). */
  readonly preparedStatements: boolean;
}

/** Opens the pg pool and closes it when the app closes (after in-flight requests finished). */
export const databasePlugin = fp(
  async (app: FastifyInstance, options: DatabasePluginOptions) => {
    const db = createDb({
      databaseUrl: options.databaseUrl,
      poolSize: options.poolSize,
      preparedStatements: options.preparedStatements,
    });
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.destroy();
    });
  },
  { name: 'database' },
);
