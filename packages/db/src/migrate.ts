import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import { installJobQueue } from './job-queue.ts';
import * as initial from './migrations/2026-11-22-0001-initial.ts';
import * as clientSecrets from './migrations/2026-11-22-0002-client-secrets.ts';
import * as provisioningGenerations from './migrations/2026-11-22-0003-provisioning-generations.ts';
import * as sessions from './migrations/2026-11-22-0004-sessions.ts';
import * as reviewQueue from './migrations/2026-11-23-0005-review-queue.ts';
import * as organizations from './migrations/2026-11-23-0006-organizations.ts';
import * as serviceSearch from './migrations/2026-11-23-0007-service-search.ts';
import * as principalChanges from './migrations/2026-11-23-0008-principal-changes.ts';
import * as eventServiceStatus from './migrations/2026-11-24-0009-event-service-status.ts';
import * as rateLimitWindows from './migrations/2026-11-24-0010-rate-limit-windows.ts';
import * as auditFilters from './migrations/2026-12-05-0011-audit-filters.ts';
import * as returnReason from './migrations/2026-12-05-0012-return-reason.ts';
import * as changeRequests from './migrations/2026-12-05-0013-change-requests.ts';
import * as environmentCredentials from './migrations/2026-12-05-0014-environment-credentials.ts';
import * as notifications from './migrations/2026-12-05-0020-notifications.ts';
import * as webhooks from './migrations/2026-12-05-0021-webhooks.ts';
import * as provisioningFailureNotifications from './migrations/2026-12-05-0024-provisioning-failure-notifications.ts';
import * as apiTokenExpiryNotifications from './migrations/2026-12-05-0025-api-token-expiry-notifications.ts';
import * as keySetRechecks from './migrations/2026-12-05-0026-key-set-rechecks.ts';

// A static list instead of a folder scan: works the same from source, from a bundle and in a container image.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-0001-initial': initial,
  '2026-11-22-0002-client-secrets': clientSecrets,
  '2026-11-22-0003-provisioning-generations': provisioningGenerations,
  '2026-11-22-0004-sessions': sessions,
  '2026-11-23-0005-review-queue': reviewQueue,
  '2026-11-23-0006-organizations': organizations,
  '2026-11-23-0007-service-search': serviceSearch,
  '2026-11-23-0008-principal-changes': principalChanges,
  '2026-11-24-0009-event-service-status': eventServiceStatus,
  '2026-11-24-0010-rate-limit-windows': rateLimitWindows,
  '2026-12-05-0011-audit-filters': auditFilters,
  '2026-12-05-0012-return-reason': returnReason,
  '2026-12-05-0013-change-requests': changeRequests,
  '2026-12-05-0014-environment-credentials': environmentCredentials,
  '2026-12-05-0020-notifications': notifications,
  '2026-12-05-0021-webhooks': webhooks,
  '2026-12-05-0024-provisioning-failure-notifications': provisioningFailureNotifications,
  '2026-12-05-0025-api-token-expiry-notifications': apiTokenExpiryNotifications,
  '2026-12-05-0026-key-set-rechecks': keySetRechecks,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Installs or upgrades the job queue's schema (graphile-worker's own migrations, on `databaseUrl`), then applies every
 * pending migration of ours. The queue comes first: the audit trail's trigger adds a job to it on every event, so a
 * database must never have the trigger without the queue. Kysely's Migrator takes a PostgreSQL advisory lock and
 * graphile-worker detects a concurrent migration, so several processes starting at once apply each migration exactly
 * once.
 */
export async function migrateToLatest(db: Kysely<any>, databaseUrl: string): Promise<string[]> {
  await installJobQueue(databaseUrl);
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed`, results, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
