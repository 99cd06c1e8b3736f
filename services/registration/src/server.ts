// Entry point of the registration service: reads configuration, migrates, listens, shuts down gracefully.
import { createDb, migrateToLatest } from '@payerbox/db';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const migrationDb = createDb({ databaseUrl: config.databaseUrl, poolSize: 1 });
  try {
    await migrateToLatest(migrationDb);
  } finally {
    await migrationDb.destroy();
  }
  const app = await buildApp(config);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Fastify stops accepting connections, waits for in-flight requests, then runs onClose hooks (the pool).
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
