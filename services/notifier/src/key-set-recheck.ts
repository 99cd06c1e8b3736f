// The key set re-check (issue 22, "Events"): the key set of every Active `jwks_uri` service is fetched again once per
// interval, through the same live check that create, edit and submit run (packages/key-set-check), and its owner is
// told once per failure episode (key-set-recheck-store.ts). A recurring work of the notifier (recurring.ts) that
// ticks often and checks the services due at each tick, a bounded batch at a time.
import type { Database } from '@payerbox/db';
import type { Environment } from '@payerbox/domain';
import {
  checkJwksUri,
  createAidboxEnvironmentDirectory,
  createKeySetFetcher,
  type JwksCheckContext,
  type JwksReport,
} from '@payerbox/key-set-check';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { NotifierConfig } from './config.ts';
import {
  claimDue,
  type DueKeySets,
  type EpisodeChange,
  type RecheckOutcome,
  recordOutcome,
  syncParticipants,
} from './key-set-recheck-store.ts';
import { recheckTickMs } from './key-set-schedule.ts';
import type { NotifierMetrics } from './metrics.ts';
import type { RecurringWork } from './recurring.ts';

/** The recurring work's name in the job queue. */
export const RECHECK_KEY_SETS = 'recheck_key_sets';

/**
 * Services checked per tick at most, all at once: each check is bounded by the fetcher's 5 s, so a tick ends within
 * seconds, and at one tick a minute the default schedule covers 28,800 services a day.
 */
const BATCH = 20;
/** New participants enrolled per tick at most (a first run over many services spreads over a few ticks). */
const ENROL_LIMIT = 1_000;

export interface KeySetRecheckOptions {
  readonly db: Kysely<Database>;
  /** Each service is checked once per interval, at its own time within it. */
  readonly intervalMs: number;
  readonly check: JwksCheckContext;
  readonly logger: Logger;
  /** Counts each service's check by its verdict (the notifier's metrics). */
  readonly checked: (verdict: RecheckOutcome['verdict']) => void;
  /**
   * Whether what each Aidbox advertises is known (read from its SMART configuration). Until it is, the check would
   * judge keys by the documented default (RS384 only) and could tell an owner of ES384 keys that their working key set
   * fails; a tick then checks nobody and the services keep their slots. Default: known.
   */
  readonly algorithmsKnown?: () => Promise<boolean>;
}

interface KeySetUrl {
  readonly url: string;
  readonly environments: readonly Environment[];
}

/** The URLs of a service's key sets and whose tokens each signs: production's own set, when it has one, for production. */
function keySetUrls(service: DueKeySets): KeySetUrl[] {
  if (service.productionJwksUri === null) return [{ url: service.jwksUri, environments: ['sandbox', 'production'] }];
  return [
    { url: service.jwksUri, environments: ['sandbox'] },
    { url: service.productionJwksUri, environments: ['production'] },
  ];
}

/** The finding a person reads first: the report's headline, or its first problem for a report without findings. */
function firstFinding(report: JwksReport): string {
  return report.findings[0]?.message ?? `The key set at ${report.jwksUri} ${report.documentProblems[0] ?? 'fails'}.`;
}

/**
 * Checks every key set URL of the service. Only a `fail` is failing, which is what refuses a key set at registration:
 * a set the portal would not accept is one the token endpoint may not accept either. (The report has no "warning"
 * verdict: harmless keys that are not used are notes of a passing set.)
 */
export async function recheckService(check: JwksCheckContext, service: DueKeySets): Promise<RecheckOutcome> {
  const urls = keySetUrls(service);
  const reports = await Promise.all(urls.map(({ url }) => checkJwksUri(check, url)));
  const failing = reports.findIndex((report) => report.verdict === 'fail');
  const report = reports[failing];
  const url = urls[failing];
  if (!report || !url) return { verdict: 'pass' };
  return { verdict: 'fail', jwksUri: url.url, environments: url.environments, finding: firstFinding(report) };
}

/** One tick: enrol and drop participants, then check the due services, each recorded as it ends. */
export async function recheckDueKeySets(options: KeySetRecheckOptions): Promise<Record<EpisodeChange, number>> {
  const { db, intervalMs } = options;
  const changes: Record<EpisodeChange, number> = { started: 0, continued: 0, ended: 0, none: 0 };
  if (options.algorithmsKnown && !(await options.algorithmsKnown())) {
    options.logger.warn('key set re-check waits: an Aidbox environment has not answered its SMART configuration yet');
    return changes;
  }
  const now = new Date();
  await syncParticipants(db, { intervalMs, limit: ENROL_LIMIT, now });
  const due = await claimDue(db, { intervalMs, limit: BATCH, now });
  await Promise.all(
    due.map(async (service) => {
      try {
        const outcome = await recheckService(options.check, service);
        const change = await recordOutcome(db, service.serviceId, outcome);
        options.checked(outcome.verdict);
        changes[change] += 1;
        if (change === 'started' && outcome.verdict === 'fail') {
          options.logger.info({ serviceId: service.serviceId, jwksUri: outcome.jwksUri }, 'key set started failing');
        } else if (change === 'ended') {
          options.logger.info({ serviceId: service.serviceId }, 'key set passes again');
        }
      } catch (error) {
        // Not the key set's doing (the check reports whatever the remote side does): this service waits for its next
        // slot, and the others of the batch are still recorded.
        options.logger.warn(
          { serviceId: service.serviceId, err: error instanceof Error ? error.message : String(error) },
          'key set re-check failed',
        );
      }
    }),
  );
  return changes;
}

/**
 * The re-check as the notifier's configuration asks for it: the key set fetcher and the Aidbox environments' advertised
 * algorithms with the registration service's rules (packages/key-set-check), counted in the notifier's metrics.
 */
export function configuredKeySetRecheck(
  config: NotifierConfig,
  db: Kysely<Database>,
  metrics: NotifierMetrics,
  logger: Logger,
): RecurringWork {
  const { intervalMs, aidboxUrls, smartConfigurationMaxAgeSeconds, allowLoopback } = config.keySetRecheck;
  const environments = createAidboxEnvironmentDirectory({
    urls: aidboxUrls,
    maxAgeSeconds: smartConfigurationMaxAgeSeconds,
    log: logger,
  });
  return keySetRecheckWork({
    db,
    intervalMs,
    check: {
      safeFetch: createKeySetFetcher({ allowLoopback }),
      advertisedAlgorithms: () => environments.advertisedAlgorithms(),
    },
    logger,
    checked: (verdict) => metrics.keySetCheck(verdict),
    algorithmsKnown: async () =>
      Object.values(await environments.environments()).every((known) => known.source === 'smart-configuration'),
  });
}

/** The re-check as the notifier's recurring work: a tick every twentieth of the interval, at most every minute. */
export function keySetRecheckWork(options: KeySetRecheckOptions): RecurringWork {
  return {
    name: RECHECK_KEY_SETS,
    everyMs: recheckTickMs(options.intervalMs),
    async run() {
      await recheckDueKeySets(options);
    },
  };
}
