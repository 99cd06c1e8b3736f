// The scale benchmark's results and their presentation: a terminal table and a Markdown section with the plans.

/** p95 at the largest size over p95 at the smallest that counts as flat cost (issue #10). */
export const FLAT_GOAL = 1.3;

/** One request shape measured at one size. */
export interface ScaleCaseResult {
  readonly case: string;
  /** Services in the table when it was measured. */
  readonly size: number;
  readonly path: string;
  /** False for a case whose cost is known to grow with the table (said in its name). */
  readonly flatExpected: boolean;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Services on the page the request answered. */
  readonly items: number;
  /** EXPLAIN (ANALYZE, BUFFERS) of the SQL the request runs, with the request's parameters (the median of a few runs). */
  readonly plan: string;
  /** The plan's execution time: the database's share of one request, without HTTP, JSON or scheduling noise. */
  readonly executionMs: number;
}

/** Growing the table to one size. */
export interface ScaleSeeding {
  readonly size: number;
  /** Inserting the new owners, services and environments, indexes rebuilt. */
  readonly seedSeconds: number;
  /** Vacuum analyze and checkpoint after seeding. */
  readonly settleSeconds: number;
  /** The machine's one-minute load average before the cases ran at this size: other work skews latencies. */
  readonly loadAverage: number;
}

export interface ScaleReport {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  readonly seeding: readonly ScaleSeeding[];
  readonly results: readonly ScaleCaseResult[];
}

/** The "Execution Time" line of EXPLAIN ANALYZE's text output, in ms (NaN without one). */
export function executionTime(plan: string): number {
  const match = /^Execution Time: ([\d.]+) ms$/m.exec(plan);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

/** 1000 → "1k", 1000000 → "1M". */
export function formatSize(size: number): string {
  if (size >= 1_000_000 && size % 1_000_000 === 0) return `${size / 1_000_000}M`;
  if (size >= 1000 && size % 1000 === 0) return `${size / 1000}k`;
  return String(size);
}

/** One case across every size, in the order measured. */
interface CaseRow {
  readonly name: string;
  readonly flatExpected: boolean;
  readonly bySize: ReadonlyMap<number, ScaleCaseResult>;
}

function caseRows(report: ScaleReport): CaseRow[] {
  const rows = new Map<string, { flatExpected: boolean; bySize: Map<number, ScaleCaseResult> }>();
  for (const result of report.results) {
    const row = rows.get(result.case) ?? { flatExpected: result.flatExpected, bySize: new Map() };
    row.bySize.set(result.size, result);
    rows.set(result.case, row);
  }
  return [...rows].map(([name, row]) => ({ name, ...row }));
}

/** p95 at the largest size over p95 at the smallest, undefined when either is missing or zero. */
export function growthRatio(report: ScaleReport, caseName: string): number | undefined {
  const results = report.results.filter((result) => result.case === caseName);
  const smallest = results.find((result) => result.size === Math.min(...report.sizes));
  const largest = results.find((result) => result.size === Math.max(...report.sizes));
  if (!smallest || !largest || smallest.p95Ms <= 0) return undefined;
  return largest.p95Ms / smallest.p95Ms;
}

function verdict(row: CaseRow, ratio: number | undefined): string {
  if (ratio === undefined) return '';
  if (!row.flatExpected) return 'grows (expected)';
  return ratio <= FLAT_GOAL ? 'flat' : `over ${FLAT_GOAL}`;
}

function headings(report: ScaleReport): string[] {
  const largest = formatSize(Math.max(...report.sizes));
  const smallest = formatSize(Math.min(...report.sizes));
  return ['case', ...report.sizes.map(formatSize), `p95 ${largest}/${smallest}`, ''];
}

function cells(report: ScaleReport, row: CaseRow): string[] {
  const ratio = growthRatio(report, row.name);
  const latency = (size: number) => {
    const result = row.bySize.get(size);
    return result ? `${result.p50Ms.toFixed(1)} / ${result.p95Ms.toFixed(1)}` : '-';
  };
  return [row.name, ...report.sizes.map(latency), ratio === undefined ? '-' : ratio.toFixed(2), verdict(row, ratio)];
}

function seedingLine(seeding: ScaleSeeding): string {
  return `${formatSize(seeding.size)}: seeded in ${seeding.seedSeconds.toFixed(1)} s, vacuum analyze and checkpoint ${seeding.settleSeconds.toFixed(1)} s, load average ${seeding.loadAverage.toFixed(1)}`;
}

/** The terminal table: p50 / p95 in ms per case and size, and how p95 grew from the smallest size to the largest. */
export function formatScaleSummary(report: ScaleReport): string {
  const rows = [headings(report), ...caseRows(report).map((row) => cells(report, row))];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 || column === row.length - 1
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    'Scale: admin list and search, p50 / p95 ms per page of 20 (sequential requests)',
    line(rows[0] ?? []),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
    ...report.seeding.map(seedingLine),
  ].join('\n');
}

const PLAN_READING = [
  'How to read the plans: without a search, each page is a backward walk of `backend_services_live_idx` (or',
  '`backend_services_status_idx` for a status, `backend_services_review_queue_idx` for the queue) that stops after',
  '21 rows, so its cost does not depend on the table. With a search, each column (name, client id, owner e-mail) is',
  'asked on its own, newest first with its own limit, and the planner picks per column: a rare text goes through',
  "the column's trigram index (Bitmap Index Scan on `…_trgm_idx`, then a top-N sort of the few rows found); a common",
  'text walks the id index until 21 rows match. The union of the three holds the page, whose rows are then read by',
  'primary key. The client id column asks its index for at most 8 characters of the text and checks the whole',
  "text on the rows found (the `|| ''` filter): the trigram posting lists of random hex ids grow with the table.",
  'A text of one or two characters has no trigram, so when it is rare, every column is read in full: that case',
  'grows with the table.',
];

function planBlock(result: ScaleCaseResult): string[] {
  return [
    `<details><summary>${result.case} at ${formatSize(result.size)}: <code>${result.path.replaceAll('&', '&amp;')}</code></summary>`,
    '',
    '```text',
    result.plan,
    '```',
    '',
    '</details>',
    '',
  ];
}

/** A Markdown section: the table, the seeding times, and every case's plan at every size. */
export function scaleMarkdown(report: ScaleReport): string {
  const row = (values: readonly string[]) => `| ${values.join(' | ')} |`;
  const heading = headings(report);
  return [
    '## Scale: admin list and search',
    '',
    `p50 / p95 in ms per page of 20, sequential requests over loopback${report.quick ? ' (quick run)' : ''}; the goal`,
    `is p95 at the largest size within ${FLAT_GOAL} times p95 at the smallest.`,
    '',
    row(heading),
    row(heading.map((_, column) => (column === 0 || column === heading.length - 1 ? '---' : '---:'))),
    ...caseRows(report).map((caseRow) => row(cells(report, caseRow))),
    '',
    'Execution time of the explained plan below (ms, database only; the median of 5 runs, 1 for a case known to grow):',
    '',
    row(['case', ...report.sizes.map(formatSize)]),
    row(['---', ...report.sizes.map(() => '---:')]),
    ...caseRows(report).map((caseRow) =>
      row([caseRow.name, ...report.sizes.map((size) => caseRow.bySize.get(size)?.executionMs.toFixed(2) ?? '-')]),
    ),
    '',
    ...report.seeding.map((seeding) => `- ${seedingLine(seeding)}`),
    '',
    '### Query plans',
    '',
    ...PLAN_READING,
    '',
    ...report.results.flatMap(planBlock),
  ].join('\n');
}
