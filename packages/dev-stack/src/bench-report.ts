import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bulkExportLines, type ExportBenchResult } from './bench-export.ts';
import type { ScenarioResult } from './bench-load.ts';
import type { ProvisioningResult } from './bench-provisioning.ts';
import { formatScaleSummary, type ScaleReport, scaleMarkdown } from './bench-scale.ts';
import { type SpaRenderReport, spaRenderMarkdown, spaRenderTable } from './bench-spa-render.ts';
import type { SpaSizeResult } from './bench-spa-size.ts';
import { type WebhookBenchResult, webhookLines } from './bench-webhooks.ts';

/** Throughput of our route divided by the baseline's, per operation. */
export interface Ratio {
  readonly operation: string;
  readonly ours: number;
  readonly baseline: number;
  readonly ratio: number;
}

/** Peak resident set of each process during its part of the run, in MB (undefined where /proc does not tell). */
export interface PeakMemory {
  /** The registration service under the API load. */
  readonly registrationMb: number | undefined;
  readonly baselineMb: number | undefined;
  /** The largest of the provisioner processes over every provisioning cell. */
  readonly provisionerMb: number | undefined;
  /** This process: load generator thread, emulators, the in-process API of the provisioning and scale runs. */
  readonly harnessMb: number;
}

/** The goals for the API, against which each run's numbers are shown. */
export const API_GOALS = { 'GET service': 0.8, 'POST service': 0.6, p99Ms: 25 } as const;

export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** A short run that only proves the harness works. */
  readonly quick: boolean;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly database: string;
  };
  readonly scenarios: readonly ScenarioResult[];
  readonly ratios: readonly Ratio[];
  /** Approval-to-token latency and drain throughput against the emulators, per latency and worker count. */
  readonly provisioning: readonly ProvisioningResult[];
  /** Admin list and search latency per page at growing numbers of services, with the query plans. */
  readonly scale: ScaleReport;
  /** Initial JavaScript and CSS of each built SPA, raw and gzipped, against the JavaScript budget. */
  readonly spaSizes: readonly SpaSizeResult[];
  /** Time to the first meaningful render of each SPA in headless Chromium, cold and warm. */
  readonly spaRender: SpaRenderReport;
  /** Kick-off → manifest and download of a 10,000-resource bulk export, and the emulator's peak memory meanwhile. */
  readonly bulkExport: ExportBenchResult;
  /** Decision → webhook arrival at a loopback receiver, and one notifier's delivery throughput. */
  readonly webhooks: WebhookBenchResult;
  readonly memory: PeakMemory;
}

const HEADINGS = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'] as const;

function cells(result: ScenarioResult): string[] {
  return [
    result.scenario,
    result.requestsPerSecond.toFixed(0),
    result.p50Ms.toFixed(1),
    result.p99Ms.toFixed(1),
    String(result.non2xx),
    String(result.errors),
  ];
}

function ratioLine(ratio: Ratio, scenarios: readonly ScenarioResult[]): string {
  const goal = API_GOALS[ratio.operation as keyof typeof API_GOALS];
  // The worse of our runs (see the run order in bench.ts).
  const oursRuns = scenarios.filter((result) => result.scenario.startsWith(`${ratio.operation} (ours `));
  const p99 = oursRuns.length > 0 ? Math.max(...oursRuns.map((result) => result.p99Ms)) : undefined;
  const goals =
    goal === undefined ? '' : `; goal ≥ ${goal} at p99 < ${API_GOALS.p99Ms} ms (ours p99 ${p99?.toFixed(0) ?? '?'} ms)`;
  return `${ratio.operation}: ours/baseline throughput ${ratio.ratio.toFixed(2)} (mean of two runs each: ${ratio.ours.toFixed(0)} / ${ratio.baseline.toFixed(0)} req/s)${goals}`;
}

function megabytes(mb: number | undefined): string {
  return mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`;
}

function memoryLines(memory: PeakMemory): string[] {
  return [
    `registration service under API load: ${megabytes(memory.registrationMb)}`,
    `baseline server: ${megabytes(memory.baselineMb)}`,
    `provisioner (largest process, all cells): ${megabytes(memory.provisionerMb)}`,
    `bench harness: ${megabytes(memory.harnessMb)}`,
  ];
}

function settingsLine(report: BenchReport): string {
  const env = report.environment;
  return `${report.durationSeconds} s per scenario after ${report.warmupSeconds} s warm-up, ${report.connections} connections; node ${env.node}, ${env.cpus} CPUs, ${env.database}`;
}

/** A fixed-width table for the terminal: text left-aligned, numbers right-aligned. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = [[...HEADINGS], ...results.map(cells)];
  const widths = HEADINGS.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)].join('\n');
}

const PROVISIONING_HEADINGS = [
  'emulator latency',
  'workers',
  'approval p50 ms',
  'approval p99 ms',
  'services/s',
  'peak RSS MB',
] as const;

function provisioningCells(result: ProvisioningResult): string[] {
  return [
    `${result.latencyMs} ms`,
    String(result.workers),
    result.approvalP50Ms.toFixed(0),
    result.approvalP99Ms.toFixed(0),
    result.servicesPerSecond.toFixed(0),
    result.provisionerPeakRssMb?.toFixed(0) ?? 'n/a',
  ];
}

function provisioningTable(results: readonly ProvisioningResult[]): string {
  const rows = [[...PROVISIONING_HEADINGS], ...results.map(provisioningCells)];
  const widths = PROVISIONING_HEADINGS.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ')).join('\n');
}

const SPA_SIZE_HEADINGS = ['app', 'JS raw KB', 'JS gzip KB', 'CSS raw KB', 'CSS gzip KB', 'JS budget'] as const;

function kilobytes(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function spaSizeCells(result: SpaSizeResult): string[] {
  return [
    result.app,
    kilobytes(result.js.rawBytes),
    kilobytes(result.js.gzipBytes),
    kilobytes(result.css.rawBytes),
    kilobytes(result.css.gzipBytes),
    `${result.withinBudget ? 'within' : 'OVER'} ${kilobytes(result.jsBudgetGzipBytes)} KB gzip`,
  ];
}

function spaSizeTable(results: readonly SpaSizeResult[]): string {
  if (results.length === 0) return '(no SPA built)';
  const rows = [[...SPA_SIZE_HEADINGS], ...results.map(spaSizeCells)];
  const widths = SPA_SIZE_HEADINGS.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))),
    )
    .map((row) => row.join('  '))
    .join('\n');
}

export function formatSummary(report: BenchReport): string {
  return [
    settingsLine(report),
    '',
    formatTable(report.scenarios),
    '',
    ...report.ratios.map((ratio) => ratioLine(ratio, report.scenarios)),
    '',
    'Provisioning (approval → production token; backlog drain rate; provisioner processes):',
    provisioningTable(report.provisioning),
    '',
    formatScaleSummary(report.scale),
    '',
    'SPA size (initial JavaScript and CSS from index.html; gzip level 9, each file on its own):',
    spaSizeTable(report.spaSizes),
    '',
    'SPA first meaningful render:',
    spaRenderTable(report.spaRender),
    '',
    'Bulk export from the emulator (a system/*.read client, system level with _type):',
    ...bulkExportLines(report.bulkExport),
    '',
    'Webhooks (signed, through the SSRF-safe fetcher, to a receiver on loopback):',
    ...webhookLines(report.webhooks),
    '',
    'Peak RSS:',
    ...memoryLines(report.memory),
  ].join('\n');
}

function toMarkdown(report: BenchReport): string {
  const row = (values: readonly string[]) => `| ${values.join(' | ')} |`;
  return [
    '# Registration API benchmark',
    '',
    `Run at ${report.startedAt}: ${settingsLine(report)}.`,
    '',
    row(HEADINGS),
    row(HEADINGS.map((_, column) => (column === 0 ? '---' : '---:'))),
    ...report.scenarios.map((result) => row(cells(result))),
    '',
    ...report.ratios.map((ratio) => `- ${ratioLine(ratio, report.scenarios)}`),
    '',
    'Both servers run in processes of their own (the registration service as its image bundles it); autocannon runs',
    'in a worker thread of the harness; PostgreSQL runs on the same two cores.',
    '',
    '## Provisioning',
    '',
    'Approval request → first production token (client secret), services approved one at a time; and the rate at',
    'which provisioner processes (each with the default concurrency) drain a backlog of new services into the',
    'sandbox, timed from the release of the held-back jobs.',
    '',
    row(PROVISIONING_HEADINGS),
    row(PROVISIONING_HEADINGS.map(() => '---:')),
    ...report.provisioning.map((result) => row(provisioningCells(result))),
    '',
    '## SPA size',
    '',
    "What a browser downloads before an SPA's first page renders: the module entry and the chunks Vite preloads",
    'with it, and the stylesheets, as named by `dist/index.html`; gzip level 9, each file on its own (1 KB = 1024',
    'bytes).',
    '',
    ...(report.spaSizes.length === 0
      ? ['No SPA was built.']
      : [
          row(SPA_SIZE_HEADINGS),
          row(SPA_SIZE_HEADINGS.map((_, column) => (column === 0 ? '---' : '---:'))),
          ...report.spaSizes.map((result) => row(spaSizeCells(result))),
        ]),
    '',
    '## SPA first meaningful render',
    '',
    spaRenderMarkdown(report.spaRender),
    '',
    '## Bulk export',
    '',
    'A system-level export (`_type` of the six synthetic types) by a client provisioned as the portal provisions a',
    '`system/*.read` service, from an emulator process holding 1,667 synthetic members; each run is timed from the',
    'kick-off to the status URL answering the complete manifest (polled every 20 ms), then every file is downloaded',
    'with the token and read line by line.',
    '',
    ...bulkExportLines(report.bulkExport).map((line) => `- ${line}`),
    '',
    '## Webhooks',
    '',
    'An approval request → its signed webhook at a receiver on loopback (the trigger queues the fan-out, which queues',
    'the delivery; the notifier runs from source with its default concurrency); and a backlog of deliveries queued in',
    'one transaction, timed from its commit to the last arrival. E-mail is turned off so the notifier sends webhooks only.',
    '',
    ...webhookLines(report.webhooks).map((line) => `- ${line}`),
    '',
    '## Peak memory (RSS)',
    '',
    ...memoryLines(report.memory).map((line) => `- ${line}`),
    '',
    scaleMarkdown(report.scale),
    '',
  ].join('\n');
}

/**
 * Writes `<name>.json` and `<name>.md` into `dir`, returning their paths: `latest` for a full run, `quick` for a
 * quick one (ignored by git), so that proving the harness never overwrites the committed measurements.
 */
export async function writeReport(report: BenchReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const name = report.quick ? 'quick' : 'latest';
  const files: [string, string][] = [
    [join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`],
    [join(dir, `${name}.md`), toMarkdown(report)],
  ];
  await Promise.all(files.map(([file, text]) => writeFile(file, text)));
  return files.map(([file]) => file);
}
