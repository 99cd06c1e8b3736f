// Time to the first meaningful render of each SPA in headless Chromium, for the bench command (which runs
// bin/measure-first-render.ts and reads its JSON). Measures; asserts nothing about how fast.
import {
  type RenderSample,
  type SpaRenderReport,
  type SpaRenderResult,
  summarizeRenderSamples,
} from '@payerbox/dev-stack/bench-spa-render';
import { ensureSpaBuilt, type SpaName } from '@payerbox/dev-stack/spa-build';
import type { Cookie, Page } from 'playwright-core';
import { type BrowserPortal, type PortalAccount, startBrowserPortal } from './portal.ts';
import { signIn } from './sign-in.ts';

export type { RenderSample, SpaRenderReport, SpaRenderResult } from '@payerbox/dev-stack/bench-spa-render';

/** Measured loads per app and cache state. */
export const RUNS = { quick: 3, full: 15 } as const;

/** Services the developer owns while measuring (the dashboard's rows), and how many of them await review. */
const SEEDED_SERVICES = 5;
const SUBMITTED_SERVICES = 2;

/** The network between browser and portal, and how long a load over it may take to show its content. */
interface Link {
  readonly description: string;
  /** CDP `Network.emulateNetworkConditions`; none for the plain loopback connection. */
  readonly conditions?: {
    readonly offline: false;
    readonly latency: number;
    readonly downloadThroughput: number;
    readonly uploadThroughput: number;
  };
  readonly loadTimeoutMs: number;
}

const LOOPBACK: Link = { description: 'loopback, no throttling', loadTimeoutMs: 15_000 };

/**
 * Chrome DevTools' "Fast 3G" preset (named "Slow 4G" in newer DevTools), emulated on the loopback connection: at least
 * 562.5 ms from request to response headers, 1.44 Mbit/s down, 675 kbit/s up (throughputs in bytes per second).
 */
const FAST_3G: Link = {
  description: 'emulated Fast 3G (DevTools preset: 562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up)',
  conditions: {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.6e6 / 8) * 0.9,
    uploadThroughput: (750e3 / 8) * 0.9,
  },
  loadTimeoutMs: 45_000,
};

/** Loads per app and cache state over {@link FAST_3G}, in full runs only (each cold one takes seconds). */
const THROTTLED_RUNS = 3;

/** What counts as the first meaningful render of one SPA. */
interface Target {
  readonly app: SpaName;
  readonly path: string;
  readonly content: string;
  /** Matches only once rows built from API data are in the DOM (`ServiceTable` renders no table while loading). */
  readonly selector: string;
  readonly account: (portal: BrowserPortal) => PortalAccount;
}

const TARGETS: readonly Target[] = [
  {
    app: 'developer',
    path: '/',
    content: "the dashboard's list of the signed-in developer's services, with rows",
    selector: 'table[aria-label="Your Backend Services"] tbody tr',
    account: (portal) => portal.accounts.developer,
  },
  {
    app: 'admin',
    path: '/admin/',
    content: 'the review queue, with rows',
    selector: 'table[aria-label="Waiting for review"] tbody tr',
    account: (portal) => portal.accounts.admin,
  },
];

/** Where the init script keeps its marks (`performance.now()` values) on `window`. */
const MARKS = '__payerboxFirstRender';

/**
 * Runs in every document before its own scripts (so the SPA cannot get ahead of it): notes First Contentful Paint, and
 * with a MutationObserver the first moment `selector` matches; then, after the next animation frame, the first task
 * that follows it. Chromium produces the frame (style, layout, paint, commit to the compositor) right after the frame's
 * rAF callbacks, in the same task, so that task runs once the content has been painted. The time to pixels on a screen
 * (compositing, presentation) is not included: headless Chromium has no screen.
 *
 * A string, not a function: this package is type-checked without the DOM's types.
 */
function initScript(selector: string): string {
  return `(() => {
  if (window.top !== window) return;
  const selector = ${JSON.stringify(selector)};
  const marks = { contentInDomAt: undefined, paintedAt: undefined, fcpAt: undefined };
  Object.defineProperty(window, ${JSON.stringify(MARKS)}, { value: marks });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === 'first-contentful-paint') marks.fcpAt = entry.startTime;
    }
  }).observe({ type: 'paint', buffered: true });
  const observer = new MutationObserver(() => {
    if (marks.contentInDomAt !== undefined || document.querySelector(selector) === null) return;
    marks.contentInDomAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { marks.paintedAt = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;
}

/** In the page: whether the content has been painted and the browser has reported First Contentful Paint. */
function rendered(marksName: string): boolean {
  const marks = (globalThis as any)[marksName];
  return marks?.paintedAt !== undefined && marks.fcpAt !== undefined;
}

/**
 * In the page: the sample from the marks, Navigation Timing, and the bytes that came over the network (Resource
 * Timing `transferSize`, 0 for a cache hit) for requests that ended before the render. (A function rather than a
 * string like the init script: the portal's Content-Security-Policy forbids `eval`, which string predicates need.)
 */
function readSample(marksName: string): RenderSample {
  const page = globalThis as any;
  const marks = page[marksName];
  const navigation = page.performance.getEntriesByType('navigation')[0];
  const resources: { responseEnd: number; transferSize: number }[] = page.performance.getEntriesByType('resource');
  return {
    firstRenderMs: marks.paintedAt,
    contentInDomMs: marks.contentInDomAt,
    fcpMs: marks.fcpAt,
    responseEndMs: navigation.responseEnd,
    domContentLoadedMs: navigation.domContentLoadedEventEnd,
    transferredBytes: resources
      .filter((entry) => entry.responseEnd <= marks.paintedAt)
      .reduce((sum, entry) => sum + entry.transferSize, navigation.transferSize),
  };
}

async function waitForRender(page: Page, timeoutMs: number): Promise<RenderSample> {
  await page.waitForFunction(rendered, MARKS, { timeout: timeoutMs, polling: 50 });
  const sample = await page.evaluate(readSample, MARKS);
  // Chromium's timer resolution is 0.1 ms (5 µs with cross-origin isolation); more digits are noise.
  const tenths = (ms: number) => Math.round(ms * 10) / 10;
  return {
    firstRenderMs: tenths(sample.firstRenderMs),
    contentInDomMs: tenths(sample.contentInDomMs),
    fcpMs: tenths(sample.fcpMs),
    responseEndMs: tenths(sample.responseEndMs),
    domContentLoadedMs: tenths(sample.domContentLoadedMs),
    transferredBytes: sample.transferredBytes,
  };
}

/**
 * The developer's services, and some of them submitted for review, through the API: the content both SPAs render.
 * No provisioner runs, so nothing changes while the pages load.
 */
async function seed(portal: BrowserPortal): Promise<void> {
  const { developer } = portal.accounts;
  for (let index = 1; index <= SEEDED_SERVICES; index++) {
    const created = await developer.api('POST', '/backend-services', {
      name: `Render bench ${index}`,
      description: 'A service for the first-render benchmark',
      authMethod: 'client_secret',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
    });
    if (created.status !== 201) throw new Error(`seeding: create answered ${created.status}`);
    if (index > SUBMITTED_SERVICES) continue;
    const submitted = await developer.api('POST', `/backend-services/${created.body.id}/submit`);
    if (submitted.status !== 200) throw new Error(`seeding: submit answered ${submitted.status}`);
  }
}

/** Signs the target's account in once (not timed) and returns the session cookies; checks the content shows. */
async function sessionCookies(portal: BrowserPortal, target: Target): Promise<Cookie[]> {
  const page = await portal.newPage();
  try {
    await signIn(page, portal, target.account(portal), target.path);
    await page.locator(target.selector).first().waitFor();
    return await page.context().cookies();
  } finally {
    await page.close();
  }
}

/**
 * One cold load and one warm load. Cold: a fresh browser context (Chromium gives each its own, empty, in-memory HTTP
 * cache, and its own connections) into which the signed-in session's cookies are copied, so nothing from earlier loads
 * is reused but the session. Clearing one context's cache over CDP instead would leave other per-context state warm
 * (open connections, the renderer's in-memory resource cache). Warm: a reload in that context, so the hashed assets
 * (`immutable`) come from the cache and index.html and the API calls go to the server. The link's conditions, if any,
 * hold for both loads (they belong to the page's CDP session, which outlives the reload).
 */
async function loadTwice(
  portal: BrowserPortal,
  target: Target,
  cookies: readonly Cookie[],
  link: Link,
): Promise<{ cold: RenderSample; warm: RenderSample; browser: string; viewport: SpaRenderReport['viewport'] }> {
  const page = await portal.newPage();
  try {
    await page.context().addCookies([...cookies]);
    await page.addInitScript(initScript(target.selector));
    if (link.conditions) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', link.conditions);
    }
    await page.goto(`${portal.url}${target.path}`, { waitUntil: 'commit', timeout: link.loadTimeoutMs });
    const cold = await waitForRender(page, link.loadTimeoutMs);
    await page.reload({ waitUntil: 'commit', timeout: link.loadTimeoutMs });
    const warm = await waitForRender(page, link.loadTimeoutMs);
    const browser = `Chromium ${page.context().browser()?.version() ?? '(version unknown)'} (headless)`;
    return { cold, warm, browser, viewport: page.viewportSize() ?? { width: 0, height: 0 } };
  } finally {
    await page.close();
  }
}

export interface FirstRenderOptions {
  /**
   * {@link RUNS}.quick loads per app and cache state instead of {@link RUNS}.full, and none over the emulated Fast 3G
   * link.
   */
  readonly quick: boolean;
  /** The PostgreSQL server for the portal's throwaway database; default `DATABASE_URL`. */
  readonly databaseUrl?: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Stops the measurement between loads (the portal is closed all the same). */
  readonly signal?: AbortSignal;
}

type About = Pick<SpaRenderReport, 'browser' | 'viewport'>;

/** `runs` measured pairs of loads of one SPA over `link`, after `warmUps` unmeasured ones. */
async function measureTarget(
  portal: BrowserPortal,
  target: Target,
  cookies: readonly Cookie[],
  settings: { link: Link; runs: number; warmUps: number },
  options: FirstRenderOptions,
): Promise<{ result: SpaRenderResult; about: About }> {
  const { link, runs, warmUps } = settings;
  const samples: { cold: RenderSample[]; warm: RenderSample[] } = { cold: [], warm: [] };
  let about: About = { browser: '', viewport: { width: 0, height: 0 } };
  for (let run = 1 - warmUps; run <= runs; run++) {
    options.signal?.throwIfAborted();
    const { cold, warm, ...loaded } = await loadTwice(portal, target, cookies, link);
    about = loaded;
    if (run < 1) continue;
    samples.cold.push(cold);
    samples.warm.push(warm);
    options.log?.(
      `${target.app} over ${link === LOOPBACK ? 'loopback' : 'Fast 3G'}: run ${run}/${runs}: ` +
        `cold ${cold.firstRenderMs.toFixed(0)} ms, warm ${warm.firstRenderMs.toFixed(0)} ms`,
    );
  }
  const result: SpaRenderResult = {
    app: target.app,
    path: target.path,
    content: target.content,
    selector: target.selector,
    cold: summarizeRenderSamples(samples.cold),
    warm: summarizeRenderSamples(samples.warm),
    samples,
  };
  return { result, about };
}

/**
 * Builds the SPAs if stale, starts the portal on loopback (no provisioner, so nothing changes under the pages), seeds
 * services, and for each SPA signs its account in once and then measures `runs` cold and warm loads after one
 * unmeasured pair (which warms the server and the browser's code paths, not the measured contexts), with no network
 * throttling: browser and portal talk over loopback. A full run then also measures {@link THROTTLED_RUNS} pairs over
 * an emulated Fast 3G link. Closes everything before returning or failing.
 */
export async function measureFirstRender(options: FirstRenderOptions): Promise<SpaRenderReport> {
  const log = options.log ?? (() => {});
  const runs = options.quick ? RUNS.quick : RUNS.full;
  const appDirs: { developer?: string; admin?: string } = {};
  for (const { app } of TARGETS) {
    const dir = await ensureSpaBuilt(app);
    if (!dir) throw new Error(`apps/${app} is missing`);
    appDirs[app] = dir;
  }
  options.signal?.throwIfAborted();
  log('starting the portal');
  const portal = await startBrowserPortal({
    appDirs,
    provisioner: false,
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
  });
  try {
    log('seeding services');
    await seed(portal);
    const results: SpaRenderResult[] = [];
    const throttled: SpaRenderResult[] = [];
    let about: About = { browser: '', viewport: { width: 0, height: 0 } };
    for (const target of TARGETS) {
      options.signal?.throwIfAborted();
      log(`${target.app}: signing in`);
      const cookies = await sessionCookies(portal, target);
      const plain = await measureTarget(portal, target, cookies, { link: LOOPBACK, runs, warmUps: 1 }, options);
      results.push(plain.result);
      about = plain.about;
      if (options.quick) continue;
      const slow = await measureTarget(
        portal,
        target,
        cookies,
        { link: FAST_3G, runs: THROTTLED_RUNS, warmUps: 0 },
        options,
      );
      throttled.push(slow.result);
    }
    return {
      quick: options.quick,
      runs,
      ...about,
      network: LOOPBACK.description,
      results,
      ...(!options.quick && { throttled: { network: FAST_3G.description, runs: THROTTLED_RUNS, results: throttled } }),
    };
  } finally {
    log('closing the portal');
    await portal.close();
  }
}
