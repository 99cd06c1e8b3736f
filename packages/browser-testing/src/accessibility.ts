import axe from 'axe-core';
import type { Locator, Page } from 'playwright-core';

/** An accessibility rule that fails on the page, as axe-core reports it. */
export interface Violation {
  /** The axe rule id, e.g. `label`, `color-contrast`, `html-has-lang`. */
  readonly id: string;
  readonly impact: 'serious' | 'critical';
  /** One line saying what the rule wants. */
  readonly help: string;
  /** Deque's page about the rule. */
  readonly helpUrl: string;
  /**
   * One CSS selector per failing element; for elements inside frames or shadow roots the selectors of each level are
   * joined with ` >>> `.
   */
  readonly targets: readonly string[];
}

export interface AccessibilityOptions {
  /** CSS selectors of parts of the page to leave out (e.g. a third-party widget that is checked elsewhere). */
  readonly exclude?: readonly string[];
}

type AxeWindow = { axe?: typeof axe };

/**
 * Waits until no CSS transition or animation runs on the page: a dialog fading in or out is half transparent, and axe
 * would judge the contrast of its text against what shows through it.
 */
async function animationsSettled(page: Page): Promise<void> {
  // Runs in the page; this package is type-checked without the DOM library, hence the untyped document.
  await page.evaluate(async () => {
    const document = (globalThis as { document?: any }).document;
    for (let round = 0; round < 20; round += 1) {
      type Running = { finished: Promise<unknown>; effect?: { getComputedTiming(): { iterations?: number } } };
      // A spinner runs forever: only animations that end are waited for.
      const running = ((document?.getAnimations?.() ?? []) as Running[]).filter(
        (animation) => animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY,
      );
      if (running.length === 0) return;
      // A finished animation may make the next one start (an exit after an enter): look again.
      await Promise.all(running.map((animation) => animation.finished.catch(() => undefined)));
    }
  });
}

/**
 * Runs axe-core on the page once its transitions have settled and answers the violations of impact `serious` or `critical` (an empty array
 * when there are none). axe is injected from the axe-core package through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern, so strict pages are checked as they are served.
 */
export async function seriousAccessibilityViolations(
  page: Page,
  options: AccessibilityOptions = {},
): Promise<Violation[]> {
  await animationsSettled(page);
  const present = await page.evaluate(() => (globalThis as AxeWindow).axe !== undefined);
  if (!present) await page.evaluate(axe.source);
  const exclude = [...(options.exclude ?? [])];
  const violations = await page.evaluate(async (exclude) => {
    const engine = (globalThis as AxeWindow).axe;
    if (engine === undefined) throw new Error('axe-core did not load into the page');
    const options = { resultTypes: ['violations' as const] };
    const results = await (exclude.length === 0 ? engine.run(options) : engine.run({ exclude }, options));
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) =>
        node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' >>> '),
      ),
    }));
  }, exclude);
  return violations.flatMap(({ impact, ...violation }) =>
    impact === 'serious' || impact === 'critical' ? [{ ...violation, impact }] : [],
  );
}

/**
 * The serious and critical violations as one line each (`rule: help (selectors)`), for a test to compare with `[]`
 * so that a failure names what to fix.
 */
export async function accessibilityFindings(page: Page, options: AccessibilityOptions = {}): Promise<string[]> {
  const violations = await seriousAccessibilityViolations(page, options);
  return violations.map((v) => `${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

/** Whether keyboard focus is inside the element (a dialog keeping focus, say). */
export async function focusIsWithin(locator: Locator): Promise<boolean> {
  // Runs in the page; this package is type-checked without the DOM library, hence the untyped element.
  return locator.evaluate((element: any) => element.contains(element.ownerDocument.activeElement));
}
