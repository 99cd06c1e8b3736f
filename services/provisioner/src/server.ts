// Entry point of the provisioner: reads configuration, migrates, runs a worker and its metrics listener until
// SIGTERM, then drains: no new claims, the jobs in hand finish, and the process exits 0.
import { createAidboxClient } from '@payerbox/aidbox';
import { ConfigError } from '@payerbox/config';
import { createDb, migrateToLatest } from '@payerbox/db';
import { exitGracefullyOnSignal, serviceLoggerOptions, startMetricsServer } from '@payerbox/service-runtime';
import { pino } from 'pino';
import { loadProvisionerConfig } from './config.ts';
import { createProvisionerMetrics } from './metrics.ts';
import { createWorker } from './worker.ts';

async function main(): Promise<void> {
  const config = loadProvisionerConfig(process.env);
  const logger = pino(serviceLoggerOptions({ level: config.logLevel, name: 'provisioner' }));
  const db = createDb({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  await migrateToLatest(db, config.databaseUrl);
  const metrics = createProvisionerMetrics(db);
  const aidbox = {
    sandbox: createAidboxClient({
      baseUrl: config.aidbox.sandbox.url,
      ...config.aidbox.sandbox,
      timeoutMs: config.aidboxTimeoutMs,
      onRequest: metrics.aidboxObserver('sandbox'),
    }),
    production: createAidboxClient({
      baseUrl: config.aidbox.production.url,
      ...config.aidbox.production,
      timeoutMs: config.aidboxTimeoutMs,
      onRequest: metrics.aidboxObserver('production'),
    }),
  };
  const worker = createWorker({
    ...config,
    db,
    aidbox,
    keyring: config.secretKeyring,
    logger,
    onJobFinished: metrics.jobFinished,
  });
  // Metrics are secondary to provisioning: a listener that cannot bind (the port is taken) is logged loudly, and the
  // worker runs without it rather than leaving the queue unserved.
  const listener = await startMetricsServer({ registry: metrics.registry, ...config.metrics }).catch(
    (error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics listener failed');
      return undefined;
    },
  );
  if (listener) logger.info({ url: listener.url }, 'metrics listening');
  await worker.start();
  exitGracefullyOnSignal({
    log: logger,
    graceMs: config.shutdownGraceMs,
    stoppingMessage: 'stopping: finishing the jobs in hand',
    // A job still running after the grace period is cut off; its lease hands it to another worker later.
    overdueMessage: 'shutdown grace period over: exiting with jobs still in hand',
    stoppedMessage: 'stopped cleanly',
    steps: [() => listener?.markDraining(), () => worker.stop(), () => listener?.close(), () => db.destroy()],
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
