// Entry point of the notifier: reads configuration, migrates (the job queue's schema and ours), runs the notification
// jobs, the scheduled works (token expiry scan, key set re-check) and a metrics listener until SIGTERM, then drains: no new jobs, the deliveries in hand
// finish, exit 0.
import { ConfigError } from '@payerbox/config';
import { createDb, migrateToLatest } from '@payerbox/db';
import { exitGracefullyOnSignal, serviceLoggerOptions, startMetricsServer } from '@payerbox/service-runtime';
import { pino } from 'pino';
import { loadNotifierConfig } from './config.ts';
import { createSmtpTransport } from './email-delivery.ts';
import { createNotifierMetrics } from './metrics.ts';
import { startNotifier } from './runner.ts';
import { scheduledWorks } from './scheduled-works.ts';

async function main(): Promise<void> {
  const config = loadNotifierConfig(process.env);
  const logger = pino(serviceLoggerOptions({ level: config.logLevel, name: 'notifier' }));
  const db = createDb({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  await migrateToLatest(db, config.databaseUrl);
  const metrics = createNotifierMetrics(db);
  const transport = createSmtpTransport(config.smtp);
  // Metrics are secondary to delivery: a listener that cannot bind is logged loudly, and the jobs still run.
  const listener = await startMetricsServer({ registry: metrics.registry, ...config.metrics }).catch(
    (error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics listener failed');
      return undefined;
    },
  );
  if (listener) logger.info({ url: listener.url }, 'metrics listening');
  const notifier = await startNotifier({
    config,
    db,
    transport,
    logger,
    metrics,
    recurring: scheduledWorks(config, db, metrics, logger),
  });
  logger.info(
    {
      smtp: `${config.smtp.host}:${config.smtp.port}`,
      tls: config.smtp.tls,
      keySetRecheckIntervalSeconds: config.keySetRecheck.intervalMs / 1000,
      apiTokenExpiryScanIntervalMs: config.apiTokenExpiryScanIntervalMs,
    },
    'notifier started',
  );
  exitGracefullyOnSignal({
    log: logger,
    graceMs: config.shutdownGraceMs,
    stoppingMessage: 'stopping: finishing the deliveries in hand',
    // A delivery still running after the grace period is cut off; the lease hands its job to another notifier.
    overdueMessage: 'shutdown grace period over: exiting with deliveries still in hand',
    stoppedMessage: 'stopped cleanly',
    steps: [
      () => listener?.markDraining(),
      () => notifier.stop(),
      () => transport.close(),
      () => listener?.close(),
      () => db.destroy(),
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
