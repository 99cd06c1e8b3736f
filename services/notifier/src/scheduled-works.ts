// What the notifier repeats on a schedule, as its configuration asks (issue 22): the scan for API tokens about to
// expire and the key set re-check. One list, for the notifier process and for the in-process notifier of the tests
// and `pnpm start` (packages/dev-stack).
import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { apiTokenExpiryScan } from './api-token-expiry.ts';
import type { NotifierConfig } from './config.ts';
import { configuredKeySetRecheck } from './key-set-recheck.ts';
import type { NotifierMetrics } from './metrics.ts';
import type { RecurringWork } from './recurring.ts';

export function scheduledWorks(
  config: NotifierConfig,
  db: Kysely<Database>,
  metrics: NotifierMetrics,
  logger: Logger,
): RecurringWork[] {
  return [
    apiTokenExpiryScan(db, {
      everyMs: config.apiTokenExpiryScanIntervalMs,
      emailMaxAttempts: config.emailMaxAttempts,
      logger,
    }),
    configuredKeySetRecheck(config, db, metrics, logger),
  ];
}
