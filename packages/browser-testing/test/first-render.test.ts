import { measureSpaRender, type RenderStats, spaRenderTable } from '@payerbox/dev-stack/bench-spa-render';
import t from 'tap';

// The bench's way in: the script in a child process, its JSON parsed. Checks the report's shape, never how fast.
t.test('measures both SPAs cold and warm, through the script the bench runs', async (t) => {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: run browser tests with `pnpm test`');
  // Below tap's limit for the file, so the script is stopped (and closes the portal) before tap gives up on us.
  const report = await measureSpaRender({ databaseUrl, quick: true, timeoutMs: 100_000 });

  t.equal(report.quick, true);
  t.equal(report.network, 'loopback, no throttling');
  t.equal(report.throttled, undefined, 'a quick run leaves out the throttled loads');
  t.match(report.browser, /^Chromium \d+\./);
  t.same(
    report.results.map((result) => [result.app, result.path]),
    [
      ['developer', '/'],
      ['admin', '/admin/'],
    ],
  );
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  for (const result of report.results) {
    for (const state of ['cold', 'warm'] as const) {
      const stats: RenderStats = result[state];
      const samples = result.samples[state];
      t.equal(stats.runs, report.runs, `${result.app} ${state}: every run summarized`);
      t.equal(samples.length, report.runs, `${result.app} ${state}: every run kept`);
      t.ok(
        [stats.firstRenderP50Ms, stats.firstRenderP95Ms, stats.fcpP50Ms, stats.domContentLoadedP50Ms].every(positive),
        `${result.app} ${state}: positive, finite figures`,
      );
      t.ok(stats.firstRenderP95Ms >= stats.firstRenderP50Ms, `${result.app} ${state}: p95 is not below p50`);
      for (const sample of samples) {
        t.ok(
          sample.firstRenderMs >= sample.contentInDomMs && sample.contentInDomMs > sample.responseEndMs,
          `${result.app} ${state}: painted after it was in the DOM, after index.html arrived`,
        );
      }
    }
    t.ok(
      result.cold.transferredBytesP50 > result.warm.transferredBytesP50,
      `${result.app}: the warm loads take the assets from the cache`,
    );
  }
  t.match(spaRenderTable(report), /developer\s+cold[\s\S]*admin\s+warm/);
});
