// Entry point of the provisioner: reads configuration, migrates, runs a worker and its metrics listener until
// SIGTERM, then drains: no new claims, the jobs in hand finish, and the process exits 0.
import { createAidboxClient } from '@payerbox/aidbox';
import { ConfigError } from '@payerbox/config';
import { createDb, migrateToLatest } from '@payerbox/db';
import { pino } from 'pino';
import { loadProvisionerConfig } from './config.ts';
import { createProvisionerMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createWorker } from './worker.ts';

async function main(): Promise<void> {
  const config = loadProvisionerConfig(process.env);
  // The worker never logs credentials; these paths mask them should a log call ever include one.
  const logger = pino({
    level: config.logLevel,
    name: 'provisioner',
    redact: {
      paths: ['clientSecret', '*.clientSecret', 'secret', '*.secret', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
  const db = createDb({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  await migrateToLatest(db);
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
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'metrics listener failed');
      return undefined;
    },
  );
  if (listener) logger.info({ url: listener.url }, 'metrics listening');
  await worker.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping: finishing the jobs in hand');
    listener?.markDraining();
    // A job still running after the grace period is cut off; its lease hands it to another worker later.
    const grace = setTimeout(() => {
      logger.error('shutdown grace period over: exiting with jobs still in hand');
      process.exit(1);
    }, config.shutdownGraceMs);
    grace.unref();
    await worker.stop();
    await listener?.close();
    await db.destroy();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
