// Entry point of the provisioner: reads configuration, migrates, runs a worker until SIGTERM, then drains it.
import { createAidboxClient } from '@payerbox/aidbox';
import { ConfigError } from '@payerbox/config';
import { createDb, migrateToLatest } from '@payerbox/db';
import { pino } from 'pino';
import { loadProvisionerConfig } from './config.ts';
import { createWorker } from './worker.ts';

async function main(): Promise<void> {
  const config = loadProvisionerConfig(process.env);
  const logger = pino({ level: config.logLevel, name: 'provisioner' });
  const db = createDb({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  await migrateToLatest(db);
  const aidbox = {
    sandbox: createAidboxClient({
      baseUrl: config.aidbox.sandbox.url,
      ...config.aidbox.sandbox,
      timeoutMs: config.aidboxTimeoutMs,
    }),
    production: createAidboxClient({
      baseUrl: config.aidbox.production.url,
      ...config.aidbox.production,
      timeoutMs: config.aidboxTimeoutMs,
    }),
  };
  const worker = createWorker({ ...config, db, aidbox, keyring: config.secretKeyring, logger });
  await worker.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the jobs in hand');
    await worker.stop();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
