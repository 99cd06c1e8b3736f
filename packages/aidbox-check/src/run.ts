import { type Check, runChecks } from './check.ts';
import { ACCESS_CHECKS } from './checks/access.ts';
import { BULK_EXPORT_CHECKS } from './checks/bulk-export.ts';
import { CREDENTIAL_CHECKS } from './checks/credentials.ts';
import { ORGANIZATION_CHECKS } from './checks/organizations.ts';
import { KEY_CACHE_CHECK, TOKEN_CHECKS } from './checks/tokens.ts';
import { WRITE_CHECKS } from './checks/writes.ts';
import { type CheckResult, type RunReport, totals } from './report.ts';
import { CheckSession, type KeySetOptions, type RunOptions } from './session.ts';
import type { CheckTarget } from './target.ts';

/** Every check, in the order a run reports them. */
export const ALL_CHECKS: readonly Check[] = [
  ...CREDENTIAL_CHECKS,
  ...TOKEN_CHECKS,
  ...ACCESS_CHECKS,
  ...ORGANIZATION_CHECKS,
  ...WRITE_CHECKS,
  ...BULK_EXPORT_CHECKS,
  KEY_CACHE_CHECK,
];

export interface CheckRunOptions extends RunOptions {
  readonly keySet?: KeySetOptions;
  /** Run only the checks whose id starts with one of these. */
  readonly only?: readonly string[];
}

/**
 * Runs the checks against one Aidbox and removes everything they created, whatever happened. A clean-up that failed
 * is reported as a failing check of its own: an operator must know what was left behind.
 */
export async function runConformanceChecks(target: CheckTarget, options: CheckRunOptions = {}): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const session = new CheckSession(target, options.keySet ?? {}, options);
  const only = options.only ?? [];
  const checks =
    only.length === 0 ? ALL_CHECKS : ALL_CHECKS.filter((check) => only.some((id) => check.id.startsWith(id)));
  let results: CheckResult[] = [];
  try {
    results = await runChecks(session, checks);
  } finally {
    const leftBehind = await session.cleanup();
    if (leftBehind.length > 0) {
      results = [
        ...results,
        {
          id: 'cleanup',
          question: 'Was everything the checks created removed?',
          expected: 'every throwaway Client and AccessPolicy deleted',
          observed: leftBehind.join('; '),
          verdict: 'fail' as const,
        },
      ];
    }
  }
  return {
    environment: target.environment,
    aidboxUrl: target.url,
    startedAt,
    finishedAt: new Date().toISOString(),
    results,
    totals: totals(results),
  };
}
