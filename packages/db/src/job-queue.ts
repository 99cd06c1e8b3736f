import { Logger, runMigrations } from 'graphile-worker';

/** graphile-worker's schema: its tables, and `add_job`, which the audit trail's trigger calls. */
export const JOB_QUEUE_SCHEMA = 'graphile_worker';

// Migrating prints nothing: the callers report what they applied, and graphile-worker's own lines would interleave.
const quiet = new Logger(() => () => {});

/**
 * Installs or upgrades the durable job queue (graphile-worker) in the database `databaseUrl` names. graphile-worker
 * versions its own schema (`graphile_worker.migrations`), so an upgraded library migrates here, and again, harmlessly,
 * when a worker starts.
 */
export async function installJobQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, schema: JOB_QUEUE_SCHEMA, logger: quiet });
}
