// Entry point of the registration service: reads configuration, migrates, listens, shuts down gracefully.
import { createDb, migrateToLatest } from '@payerbox/db';
import { exitGracefullyOnSignal } from '@payerbox/service-runtime';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const migrationDb = createDb({ databaseUrl: config.databaseUrl, poolSize: 1 });
  try {
    await migrateToLatest(migrationDb, config.databaseUrl);
  } finally {
    await migrationDb.destroy();
  }
  const app = await buildApp(config);
  exitGracefullyOnSignal({
    log: app.log,
    graceMs: config.shutdownGraceMs,
    stoppingMessage: 'shutting down: finishing in-flight requests',
    overdueMessage: 'shutdown grace period over: exiting with requests still in flight',
    stoppedMessage: 'shut down cleanly',
    steps: [
      // Fastify stops accepting connections, fails readiness, waits for in-flight requests, then runs onClose hooks
      // (the pool).
      async () => {
        // A keep-alive connection whose request finishes during the drain would otherwise hold close() open until
        // the client hangs up: close each connection as soon as it falls idle.
        const idle = setInterval(() => app.server.closeIdleConnections(), 100);
        idle.unref();
        await app.close();
        clearInterval(idle);
      },
    ],
  });
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
