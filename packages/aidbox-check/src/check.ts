import type { CheckResult, Verdict } from './report.ts';
import type { CheckSession } from './session.ts';

/** What a check found. */
export interface Finding {
  readonly observed: string;
  readonly verdict: Verdict;
}

/** One open question and how one or two requests settle it. */
export interface Check {
  readonly id: string;
  readonly question: string;
  /** What the portal relies on. */
  readonly expected: string;
  /** Repository and path of the documentation the expectation rests on. */
  readonly docs?: string;
  /** A reason to skip this check on this target (e.g. OrgBAC off), or undefined to run it. */
  readonly skip?: (session: CheckSession) => string | undefined;
  run(session: CheckSession): Promise<Finding>;
}

/** `pass` when `ok`, else `verdictOtherwise` (`fail` unless said). */
export function judge(ok: boolean, observed: string, verdictOtherwise: Verdict = 'fail'): Finding {
  return { observed, verdict: ok ? 'pass' : verdictOtherwise };
}

/** Runs checks one after another; a check that throws fails with what it threw. */
export async function runChecks(session: CheckSession, checks: readonly Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const base = {
      id: check.id,
      question: check.question,
      expected: check.expected,
      ...(check.docs !== undefined && { docs: check.docs }),
    };
    const skipped = check.skip?.(session);
    if (skipped !== undefined) {
      results.push({ ...base, observed: skipped, verdict: 'skipped' });
      continue;
    }
    try {
      results.push({ ...base, ...(await check.run(session)) });
    } catch (error) {
      results.push({
        ...base,
        observed: `the check could not complete: ${error instanceof Error ? error.message : String(error)}`,
        verdict: 'fail',
      });
    }
  }
  return results;
}

/** `"<status>"` lines of several requests, for an observation. */
export function statuses(answers: Readonly<Record<string, { status: number }>>): string {
  return Object.entries(answers)
    .map(([what, answer]) => `${what}: ${answer.status}`)
    .join('; ');
}
