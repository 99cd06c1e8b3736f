import t from 'tap';
import {
  parseSpaRenderReport,
  type RenderSample,
  type SpaRenderReport,
  spaRenderMarkdown,
  spaRenderTable,
  summarizeRenderSamples,
} from '../src/bench-spa-render.ts';
import { percentile } from '../src/bench-stats.ts';

function sample(firstRenderMs: number, transferredBytes = 2048): RenderSample {
  return {
    firstRenderMs,
    contentInDomMs: firstRenderMs - 10,
    fcpMs: firstRenderMs / 2,
    responseEndMs: 5,
    domContentLoadedMs: firstRenderMs / 4,
    transferredBytes,
  };
}

function report(): SpaRenderReport {
  const cold = [sample(800, 900_000), sample(1000, 900_000), sample(1200, 900_000)];
  const warm = [sample(300), sample(320), sample(400)];
  return {
    quick: true,
    runs: 3,
    browser: 'Chromium 156.0.8078.79 (headless)',
    network: 'loopback, no throttling',
    viewport: { width: 1280, height: 900 },
    results: (['developer', 'admin'] as const).map((app) => ({
      app,
      path: app === 'admin' ? '/admin/' : '/',
      content: `the ${app} rows`,
      selector: 'table tbody tr',
      cold: summarizeRenderSamples(cold),
      warm: summarizeRenderSamples(warm),
      samples: { cold, warm },
    })),
  };
}

t.test('percentile is the nearest rank, whatever the order', async (t) => {
  const values = [5, 1, 4, 2, 3];
  t.equal(percentile(values, 50), 3);
  t.equal(percentile(values, 95), 5);
  t.equal(percentile(values, 0), 1);
  t.equal(percentile(values, 100), 5);
  t.equal(percentile([7], 95), 7);
  t.ok(Number.isNaN(percentile([], 50)), 'NaN for no values');
  t.same(values, [5, 1, 4, 2, 3], 'the input is left as it was');
  const hundred = Array.from({ length: 100 }, (_, index) => 100 - index);
  t.equal(percentile(hundred, 95), 95);
  t.equal(percentile(hundred, 50), 50);
});

t.test('summarizes samples: p50 and p95 of the render, p50 of the rest', async (t) => {
  t.same(summarizeRenderSamples([sample(300), sample(100), sample(200)]), {
    runs: 3,
    firstRenderP50Ms: 200,
    firstRenderP95Ms: 300,
    contentInDomP50Ms: 190,
    fcpP50Ms: 100,
    responseEndP50Ms: 5,
    domContentLoadedP50Ms: 50,
    transferredBytesP50: 2048,
  });
});

t.test('formats a terminal table with a row per app and cache state, and the settings', async (t) => {
  const lines = spaRenderTable(report()).split('\n');
  t.match(lines[0], /^app\s+cache\s+runs\s+render p50 ms\s+render p95 ms\s+in DOM p50 ms\s+FCP p50 ms/);
  t.match(lines[2], /^developer\s+cold\s+3\s+1000\s+1200\s+990\s+500\s+250\s+878\.9$/);
  t.match(lines[3], /^developer\s+warm\s+3\s+320\s+400\s+310\s+160\s+80\s+2\.0$/);
  t.match(lines[4], /^admin\s+cold/);
  t.match(lines[5], /^admin\s+warm/);
  t.match(lines[6], /Chromium 156.*1280×900, loopback, no throttling; 3 loads/);
  t.equal(new Set(lines.slice(0, 6).map((line) => line.length)).size, 1, 'the columns line up');
  t.equal(spaRenderTable({ ...report(), results: [] }), '(no SPA measured)');
});

t.test('formats Markdown: the definition, a table with right-aligned numbers, the settings', async (t) => {
  const markdown = spaRenderMarkdown(report());
  t.match(markdown, /first meaningful render/);
  t.match(markdown, /- developer \(`\/`\): the developer rows\n- admin \(`\/admin\/`\): the admin rows/);
  t.match(markdown, /\| app \| cache \| runs \| render p50 ms \|/);
  t.match(markdown, /\| --- \| --- \| ---: \| ---: \|/);
  t.match(markdown, /\| admin \| warm \| 3 \| 320 \| 400 \| 310 \| 160 \| 80 \| 2\.0 \|/);
  t.match(markdown, /loopback, no throttling/);
  t.notMatch(markdown, /Fast 3G/, 'no throttled table without throttled loads');
  t.match(spaRenderMarkdown({ ...report(), results: [] }), /No SPA was measured\./);
});

t.test('adds the throttled loads of a full run as a second table', async (t) => {
  const full: SpaRenderReport = {
    ...report(),
    throttled: { network: 'emulated Fast 3G', runs: 3, results: report().results },
  };
  const lines = spaRenderTable(full).split('\n');
  t.equal(lines[7], '');
  t.equal(lines[8], 'Over emulated Fast 3G: 3 loads per app and cache state:');
  t.match(lines[9], /^app\s+cache/);
  t.match(lines[11], /^developer\s+cold\s+3\s+1000/);
  t.equal(lines.length, 15);
  const markdown = spaRenderMarkdown(full);
  t.match(markdown, /Over emulated Fast 3G: 3 loads per app and cache state:\n\n\| app \| cache \|/);
  t.same(parseSpaRenderReport(JSON.stringify(full)), full);
  const broken = { ...full, throttled: { ...full.throttled, results: [{ app: 'admin' }] } };
  t.throws(() => parseSpaRenderReport(JSON.stringify(broken)), { message: /admin has no cold figures/ });
});

t.test('parses the script output and refuses what the tables could not show', async (t) => {
  const text = JSON.stringify(report());
  t.same(parseSpaRenderReport(text), report());
  t.throws(() => parseSpaRenderReport('starting…'), { message: /printed no JSON document/ });
  t.throws(() => parseSpaRenderReport('{}'), { message: /no results/ });
  const broken = report() as any;
  broken.results[1].warm = undefined;
  t.throws(() => parseSpaRenderReport(JSON.stringify(broken)), { message: /admin has no warm figures/ });
  const nan = report() as any;
  nan.results[0].cold.firstRenderP95Ms = null;
  t.throws(() => parseSpaRenderReport(JSON.stringify(nan)), { message: /developer has no cold figures/ });
});
