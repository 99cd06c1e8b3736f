/**
 * The outcome of a conformance check, and how a run is reported: a table for the operator and JSON for the record.
 */

/**
 * - `pass`: Aidbox behaves as the portal relies on (and as its docs say).
 * - `fail`: it does not, and the portal would be wrong or unsafe with it: fix the deployment before going live.
 * - `differs-from-docs`: it behaves otherwise than the docs say, in a way the portal copes with; worth knowing.
 * - `skipped`: not applicable to this deployment (e.g. OrgBAC off), with the reason as the observation.
 */
export const VERDICTS = ['pass', 'fail', 'differs-from-docs', 'skipped'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface CheckResult {
  /** Stable id, e.g. `scopes.wildcard-reaches-payer-types`. */
  readonly id: string;
  /** The open question, as a sentence. */
  readonly question: string;
  /** What the portal relies on (and where the docs say so). */
  readonly expected: string;
  /** What this Aidbox did. */
  readonly observed: string;
  readonly verdict: Verdict;
  /** The documentation the expectation comes from (repository and path), when there is one. */
  readonly docs?: string;
}

export interface RunReport {
  readonly environment: string;
  readonly aidboxUrl: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: readonly CheckResult[];
  readonly totals: Readonly<Record<Verdict, number>>;
}

export function totals(results: readonly CheckResult[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  for (const result of results) counts[result.verdict] += 1;
  return counts;
}

/** 1 when any check failed (or none ran), 0 otherwise: `differs-from-docs` and `skipped` do not fail a run. */
export function exitCode(results: readonly CheckResult[]): number {
  return results.length === 0 || results.some((result) => result.verdict === 'fail') ? 1 : 0;
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      for (let rest = word; rest.length > 0; ) {
        const room = line === '' ? width : width - line.length - 1;
        if (rest.length <= room) {
          line = line === '' ? rest : `${line} ${rest}`;
          rest = '';
        } else if (line !== '') {
          lines.push(line);
          line = '';
        } else {
          lines.push(rest.slice(0, width));
          rest = rest.slice(width);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

const COLUMNS = [
  { title: 'check', width: 34, cell: (r: CheckResult) => r.id },
  { title: 'expected', width: 44, cell: (r: CheckResult) => r.expected },
  { title: 'observed', width: 44, cell: (r: CheckResult) => r.observed },
  { title: 'verdict', width: 17, cell: (r: CheckResult) => r.verdict },
] as const;

/** The results as a plain-text table with wrapped cells, then the totals. */
export function renderTable(results: readonly CheckResult[]): string {
  const row = (cells: readonly string[][]) => {
    const height = Math.max(...cells.map((lines) => lines.length));
    return Array.from({ length: height }, (_, i) =>
      cells
        .map((lines, c) => (lines[i] ?? '').padEnd(COLUMNS[c]?.width ?? 0))
        .join(' | ')
        .trimEnd(),
    );
  };
  const rule = COLUMNS.map((column) => '-'.repeat(column.width)).join('-+-');
  const lines = [...row(COLUMNS.map((column) => [column.title])), rule];
  for (const result of results) {
    lines.push(...row(COLUMNS.map((column) => wrap(column.cell(result), column.width))), rule);
  }
  const counts = totals(results);
  lines.push(VERDICTS.map((verdict) => `${counts[verdict]} ${verdict}`).join(', '));
  return lines.join('\n');
}
