import t from 'tap';
import {
  executionTime,
  formatScaleSummary,
  formatSize,
  growthRatio,
  type ScaleCaseResult,
  type ScaleReport,
  scaleMarkdown,
} from '../src/bench-scale-report.ts';

function result(name: string, size: number, p95Ms: number, overrides: Partial<ScaleCaseResult> = {}): ScaleCaseResult {
  return {
    case: name,
    size,
    path: '/api/v1/admin/backend-services?q=x&limit=20',
    flatExpected: true,
    requests: 200,
    p50Ms: p95Ms / 2,
    p95Ms,
    items: 20,
    plan: `Limit (${name} at ${size})\nExecution Time: ${p95Ms / 4} ms`,
    executionMs: p95Ms / 4,
    ...overrides,
  };
}

const report: ScaleReport = {
  quick: false,
  sizes: [10_000, 100_000, 1_000_000],
  seeding: [
    { size: 10_000, seedSeconds: 1.2, settleSeconds: 0.1, loadAverage: 0.5 },
    { size: 1_000_000, seedSeconds: 80.4, settleSeconds: 1.5, loadAverage: 0.7 },
  ],
  results: [
    result('first page', 10_000, 2),
    result('first page', 100_000, 2.2),
    result('first page', 1_000_000, 2.4),
    result('search', 10_000, 4),
    result('search', 1_000_000, 8),
    result('short search', 10_000, 10, { flatExpected: false }),
    result('short search', 1_000_000, 500, { flatExpected: false }),
  ],
};

t.test("reads the execution time from EXPLAIN ANALYZE's text", async (t) => {
  t.equal(executionTime('Limit  (cost=0.42..8.44 rows=21)\nPlanning Time: 0.367 ms\nExecution Time: 0.325 ms'), 0.325);
  t.ok(Number.isNaN(executionTime('Limit  (cost=0.42..8.44 rows=21)')), 'NaN for a plain EXPLAIN');
});

t.test('names sizes the way the issue does', async (t) => {
  t.same([1000, 10_000, 100_000, 1_000_000, 1500].map(formatSize), ['1k', '10k', '100k', '1M', '1500']);
});

t.test('divides p95 at the largest size by p95 at the smallest', async (t) => {
  t.equal(growthRatio(report, 'first page'), 1.2);
  t.equal(growthRatio(report, 'search'), 2);
  t.equal(growthRatio(report, 'no such case'), undefined);
  const missingLargest = { ...report, results: report.results.filter((r) => r.size !== 1_000_000) };
  t.equal(growthRatio(missingLargest, 'first page'), undefined, 'undefined without the largest size');
});

t.test('prints one row per case with p50 / p95 per size, the ratio and a verdict', async (t) => {
  const lines = formatScaleSummary(report).split('\n');
  const row = (name: string) => lines.find((line) => line.startsWith(name)) ?? '';
  t.match(lines[1], /^case\s+10k\s+100k\s+1M\s+p95 1M\/10k$/);
  t.match(row('first page'), /1\.0 \/ 2\.0\s+1\.1 \/ 2\.2\s+1\.2 \/ 2\.4\s+1\.20\s+flat$/);
  t.match(row('search'), /2\.0 \/ 4\.0\s+-\s+4\.0 \/ 8\.0\s+2\.00\s+over 1\.3$/, 'a missing size is a dash');
  t.match(row('short search'), /50\.00\s+grows \(expected\)$/, 'no verdict against the goal for a case known to grow');
  t.match(lines.at(-1), /^1M: seeded in 80\.4 s, vacuum analyze and checkpoint 1\.5 s, load average 0\.7$/);
});

t.test('writes a Markdown section with the table, the seeding and every plan', async (t) => {
  const markdown = scaleMarkdown(report);
  t.match(markdown, /^## Scale: admin list and search\n/);
  t.match(
    markdown,
    /\| case \| 10k \| 100k \| 1M \| p95 1M\/10k \| {2}\|\n\| --- \| ---: \| ---: \| ---: \| ---: \| --- \|/,
  );
  t.match(markdown, /\| first page \| 1\.0 \/ 2\.0 \| 1\.1 \/ 2\.2 \| 1\.2 \/ 2\.4 \| 1\.20 \| flat \|/);
  t.match(markdown, /\| first page \| 0\.50 \| 0\.55 \| 0\.60 \|/, 'the execution times');
  t.match(markdown, /\| search \| 1\.00 \| - \| 2\.00 \|/);
  t.match(markdown, /- 10k: seeded in 1\.2 s/);
  for (const r of report.results) t.ok(markdown.includes(`Limit (${r.case} at ${r.size})`), `${r.case} at ${r.size}`);
  t.match(markdown, /<code>\/api\/v1\/admin\/backend-services\?q=x&amp;limit=20<\/code>/, 'the path escaped for HTML');
});
