// The SPA render section of the bench command: how long each SPA takes, in headless Chromium on loopback, from
// navigation start to its first meaningful render. The measuring happens in @payerbox/browser-testing (which depends on
// this package, not the other way round), as a script this module runs in a child process and whose JSON it reads.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { percentile } from './bench-stats.ts';
import { REPO_ROOT } from './paths.ts';
import type { SpaName } from './spa-build.ts';

/** The script that measures and prints one {@link SpaRenderReport} as JSON on stdout (progress goes to stderr). */
export const FIRST_RENDER_SCRIPT = join(
  REPO_ROOT,
  'packages',
  'browser-testing',
  'src',
  'bin',
  'measure-first-render.ts',
);

/** A load with an empty HTTP cache (a fresh browser context), or one that reuses the cached assets (a reload). */
export type CacheState = 'cold' | 'warm';

/**
 * One page load, every time in milliseconds from navigation start (the document's `performance.timeOrigin`).
 *
 * "First meaningful render" is the moment the page's primary content that depends on API data is in the DOM and
 * painted: for the developer SPA the dashboard's service list with at least one row, for the admin SPA the review
 * queue with at least one row. A MutationObserver installed before any page script notes when the content's selector
 * first matches; the paint is then approximated by the first task after the next animation frame.
 */
export interface RenderSample {
  /** The content is in the DOM and the frame showing it has been produced: the first meaningful render. */
  readonly firstRenderMs: number;
  /** The content's selector first matched (a MutationObserver callback right after the DOM change). */
  readonly contentInDomMs: number;
  /** First Contentful Paint as the browser reports it (typically the SPA's frame or its loader, before any data). */
  readonly fcpMs: number;
  /** The last byte of index.html arrived (Navigation Timing `responseEnd`). */
  readonly responseEndMs: number;
  /** DOMContentLoaded finished (Navigation Timing `domContentLoadedEventEnd`). */
  readonly domContentLoadedMs: number;
  /** Bytes that came over the network for the document and its resources up to the render (0 for cache hits). */
  readonly transferredBytes: number;
}

/** The samples of one app and cache state, summarized. */
export interface RenderStats {
  readonly runs: number;
  readonly firstRenderP50Ms: number;
  readonly firstRenderP95Ms: number;
  readonly contentInDomP50Ms: number;
  readonly fcpP50Ms: number;
  readonly responseEndP50Ms: number;
  readonly domContentLoadedP50Ms: number;
  readonly transferredBytesP50: number;
}

export interface SpaRenderResult {
  readonly app: SpaName;
  /** The path loaded, e.g. `/` or `/admin/`. */
  readonly path: string;
  /** What the first meaningful render shows, in words. */
  readonly content: string;
  /** The CSS selector whose first match marks it. */
  readonly selector: string;
  readonly cold: RenderStats;
  readonly warm: RenderStats;
  /** Every load, in the order measured. */
  readonly samples: { readonly cold: readonly RenderSample[]; readonly warm: readonly RenderSample[] };
}

/** The same loads over an emulated slow link (fewer of them, with no warm-up load). */
export interface ThrottledRenders {
  /** The link, e.g. `emulated Fast 3G (…)`. */
  readonly network: string;
  readonly runs: number;
  readonly results: readonly SpaRenderResult[];
}

/** What the script prints: one document for every SPA. */
export interface SpaRenderReport {
  /** The short run (fewer loads). */
  readonly quick: boolean;
  /** Measured loads per app and cache state (after an unmeasured cold and warm pair). */
  readonly runs: number;
  /** The browser, e.g. `Chromium 156.0.8078.79 (headless)`. */
  readonly browser: string;
  /** The network between browser and portal, e.g. `loopback, no throttling`. */
  readonly network: string;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly results: readonly SpaRenderResult[];
  /** Full runs only: the loads again over an emulated Fast 3G link. */
  readonly throttled?: ThrottledRenders;
}

/** p50 and p95 of the first meaningful render, p50 of the rest. */
export function summarizeRenderSamples(samples: readonly RenderSample[]): RenderStats {
  const p50 = (key: keyof RenderSample) =>
    percentile(
      samples.map((sample) => sample[key]),
      50,
    );
  return {
    runs: samples.length,
    firstRenderP50Ms: p50('firstRenderMs'),
    firstRenderP95Ms: percentile(
      samples.map((sample) => sample.firstRenderMs),
      95,
    ),
    contentInDomP50Ms: p50('contentInDomMs'),
    fcpP50Ms: p50('fcpMs'),
    responseEndP50Ms: p50('responseEndMs'),
    domContentLoadedP50Ms: p50('domContentLoadedMs'),
    transferredBytesP50: p50('transferredBytes'),
  };
}

/** Reads the script's output, checking the shape the tables rely on; throws naming what is wrong. */
export function parseSpaRenderReport(text: string): SpaRenderReport {
  let report: any;
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new Error(`SPA render: the script printed no JSON document (${(error as Error).message})`);
  }
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
  if (typeof report !== 'object' || report === null || !Array.isArray(report.results) || !finite(report.runs)) {
    throw new Error('SPA render: the document has no results');
  }
  const throttled = report.throttled;
  if (throttled !== undefined && (typeof throttled !== 'object' || !Array.isArray(throttled?.results))) {
    throw new Error('SPA render: the throttled figures have no results');
  }
  for (const result of [...report.results, ...(throttled?.results ?? [])]) {
    for (const state of ['cold', 'warm'] as const) {
      const stats = result?.[state];
      if (!stats || !finite(stats.firstRenderP50Ms) || !finite(stats.firstRenderP95Ms) || !finite(stats.fcpP50Ms)) {
        throw new Error(`SPA render: ${result?.app ?? 'an app'} has no ${state} figures`);
      }
    }
  }
  return report as SpaRenderReport;
}

/** How long the script may run before it is stopped: the portal's start, the SPA builds if stale, and the loads. */
const TIMEOUT_MS = { quick: 240_000, full: 600_000 } as const;
/** After SIGTERM (on which the script closes the browser and the portal), how long until SIGKILL. */
const KILL_GRACE_MS = 20_000;

export interface SpaRenderOptions {
  /** A PostgreSQL server on which the portal may create (and then drops) a throwaway database. */
  readonly databaseUrl: string;
  /** 3 loads per app and cache state instead of 15. */
  readonly quick: boolean;
  /** Overrides the time limit (default 240 s quick, 600 s full). */
  readonly timeoutMs?: number;
}

/**
 * Runs {@link FIRST_RENDER_SCRIPT} (`node --import tsx`, from the repository root) and returns its report. Its stderr
 * (progress) passes through; it fails when the script fails, prints no valid report, or outlives the time limit (it is
 * then sent SIGTERM, and SIGKILL 20 s later).
 */
export function measureSpaRender(options: SpaRenderOptions): Promise<SpaRenderReport> {
  const limitMs = options.timeoutMs ?? (options.quick ? TIMEOUT_MS.quick : TIMEOUT_MS.full);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIRST_RENDER_SCRIPT, ...(options.quick ? ['--quick'] : [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: options.databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  let timedOut = false;
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }, limitMs);
  return new Promise<SpaRenderReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      if (timedOut) return reject(new Error(`SPA render: the measurement did not finish within ${limitMs} ms`));
      if (code !== 0) return reject(new Error(`SPA render: the measurement failed (${signal ?? `exit code ${code}`})`));
      try {
        // The last line: the document is printed on one line, after anything else that reached stdout.
        resolve(parseSpaRenderReport(stdout.trim().split('\n').at(-1) ?? ''));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const HEADINGS = [
  'app',
  'cache',
  'runs',
  'render p50 ms',
  'render p95 ms',
  'in DOM p50 ms',
  'FCP p50 ms',
  'DCL p50 ms',
  'KB transferred p50',
] as const;

function cells(result: SpaRenderResult, state: CacheState): string[] {
  const stats = result[state];
  return [
    result.app,
    state,
    String(stats.runs),
    stats.firstRenderP50Ms.toFixed(0),
    stats.firstRenderP95Ms.toFixed(0),
    stats.contentInDomP50Ms.toFixed(0),
    stats.fcpP50Ms.toFixed(0),
    stats.domContentLoadedP50Ms.toFixed(0),
    (stats.transferredBytesP50 / 1024).toFixed(1),
  ];
}

function rowsOf(results: readonly SpaRenderResult[]): string[][] {
  return results.flatMap((result) => [cells(result, 'cold'), cells(result, 'warm')]);
}

/** One sentence on how the figures were taken, for under the tables. */
export function spaRenderSettings(report: SpaRenderReport): string {
  return (
    `${report.browser}, ${report.viewport.width}×${report.viewport.height}, ${report.network}; ` +
    `${report.runs} loads per app and cache state after an unmeasured cold and warm pair; ` +
    'cold = a fresh browser context (empty HTTP cache, session cookie copied in), warm = a reload in that context'
  );
}

function throttledSettings(throttled: ThrottledRenders): string {
  return `Over ${throttled.network}: ${throttled.runs} loads per app and cache state`;
}

function fixedWidth(results: readonly SpaRenderResult[]): string[] {
  const rows = [[...HEADINGS], ...rowsOf(results)];
  const widths = HEADINGS.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)];
}

/**
 * A fixed-width table for the terminal (text left-aligned, numbers right-aligned), the settings below it, and, after a
 * full run, the table of the throttled loads.
 */
export function spaRenderTable(report: SpaRenderReport): string {
  if (report.results.length === 0) return '(no SPA measured)';
  const { throttled } = report;
  return [
    ...fixedWidth(report.results),
    spaRenderSettings(report),
    ...(throttled && throttled.results.length > 0
      ? ['', `${throttledSettings(throttled)}:`, ...fixedWidth(throttled.results)]
      : []),
  ].join('\n');
}

function markdownTable(results: readonly SpaRenderResult[]): string[] {
  const row = (values: readonly string[]) => `| ${values.join(' | ')} |`;
  return [row(HEADINGS), row(HEADINGS.map((_, column) => (column < 2 ? '---' : '---:'))), ...rowsOf(results).map(row)];
}

/** The same as a Markdown section body: what is measured, the tables, and the settings. */
export function spaRenderMarkdown(report: SpaRenderReport): string {
  if (report.results.length === 0) return 'No SPA was measured.\n';
  const { throttled } = report;
  return [
    "Time from navigation start to the first meaningful render: the page's primary content that depends on API data,",
    'in the DOM and painted.',
    '',
    ...report.results.map((result) => `- ${result.app} (\`${result.path}\`): ${result.content}`),
    '',
    'FCP is First Contentful Paint as the browser reports it; DCL is DOMContentLoaded; KB transferred counts what came',
    'over the network up to the render (cached assets count 0).',
    '',
    ...markdownTable(report.results),
    '',
    `${spaRenderSettings(report)}.`,
    '',
    ...(throttled && throttled.results.length > 0
      ? [`${throttledSettings(throttled)}:`, '', ...markdownTable(throttled.results), '']
      : []),
  ].join('\n');
}
