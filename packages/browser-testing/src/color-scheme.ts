import type { Page } from 'playwright-core';
import { accessibilityFindings } from './accessibility.ts';
import { layoutFindings, type Viewport } from './layout.ts';
import type { BrowserPortal, PortalAccount } from './portal.ts';
import { saveScreenshot } from './screenshots.ts';
import { signIn } from './sign-in.ts';

/** The colour schemes the portal is checked in, as the `prefers-color-scheme` media feature names them. */
export const COLOR_SCHEMES = ['light', 'dark'] as const;
export type ColorScheme = (typeof COLOR_SCHEMES)[number];

/** What a page shows of its colour scheme ({@link documentColorScheme}). */
export interface DocumentColorScheme {
  /** `data-mantine-color-scheme` on `<html>`: the scheme Mantine resolved, null before it ran. */
  readonly attribute: string | null;
  /** The computed background colour of `<body>` (`rgb(36, 36, 36)`). */
  readonly background: string;
  /** Whether that background is a dark one: its relative luminance (WCAG 2.2) is below 0.18, mid-grey. */
  readonly dark: boolean;
}

/**
 * Makes the page's `prefers-color-scheme` report `scheme`, as the operating system's setting would, and waits until
 * the SPA has followed it (`data-mantine-color-scheme` on `<html>`); the page is not reloaded.
 */
export async function emulateColorScheme(page: Page, scheme: ColorScheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  // Runs in the page; this package is type-checked without the DOM library, hence the untyped document.
  await page.waitForFunction(
    (scheme: string) =>
      (globalThis as any).document.documentElement.getAttribute('data-mantine-color-scheme') === scheme,
    scheme,
  );
}

/**
 * In each colour scheme in turn, switched on the loaded page as the operating system would (no second load): axe's
 * serious and critical findings ({@link accessibilityFindings}) and, given `screenshot`, a screenshot named
 * `<screenshot>-<scheme>`. Answers the findings by scheme, `{ light: [], dark: [] }` when there are none, and leaves the
 * page in the scheme it was in.
 */
export async function accessibilityInEachScheme(
  page: Page,
  options: { readonly screenshot?: string } = {},
): Promise<Record<ColorScheme, string[]>> {
  const before = (await documentColorScheme(page)).attribute;
  const findings: Partial<Record<ColorScheme, string[]>> = {};
  for (const scheme of COLOR_SCHEMES) {
    await emulateColorScheme(page, scheme);
    findings[scheme] = await accessibilityFindings(page);
    if (options.screenshot !== undefined) await saveScreenshot(page, `${options.screenshot}-${scheme}`);
  }
  const restore = COLOR_SCHEMES.find((scheme) => scheme === before);
  if (restore !== undefined) await emulateColorScheme(page, restore);
  return findings as Record<ColorScheme, string[]>;
}

/** Relative luminance of an `rgb()`/`rgba()` colour (WCAG 2.2), or NaN when `css` is no such colour. */
function luminance(css: string): number {
  const channels = css
    .match(/[\d.]+/g)
    ?.slice(0, 3)
    .map(Number);
  if (channels?.length !== 3) return Number.NaN;
  const [r = 0, g = 0, b = 0] = channels.map((value) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The colour scheme the page shows now: Mantine's attribute and the body's background. */
export async function documentColorScheme(page: Page): Promise<DocumentColorScheme> {
  const { attribute, background } = await page.evaluate(() => {
    const document = (globalThis as any).document;
    return {
      attribute: document.documentElement.getAttribute('data-mantine-color-scheme') as string | null,
      background: (globalThis as any).getComputedStyle(document.body).backgroundColor as string,
    };
  });
  return { attribute, background, dark: luminance(background) < 0.18 };
}

/**
 * A new page signed in as `account` and showing `path`, on a system whose colour scheme is `scheme`, watched from its
 * first parse on by {@link CANVAS_BEFORE_SCRIPTS} (read it with {@link canvasBeforeScripts}).
 */
export async function signedInPageInScheme(
  portal: BrowserPortal,
  account: PortalAccount,
  path: string,
  scheme: ColorScheme,
): Promise<Page> {
  const page = await portal.newPage({ colorScheme: scheme });
  await page.addInitScript(CANVAS_BEFORE_SCRIPTS);
  await signIn(page, portal, account, path);
  return page;
}

/**
 * The contrast ratio (WCAG 2.2) between the outline drawn around the focused element and the body's background: what a
 * keyboard user has to spot the focus by (1.4.11 asks 3:1). NaN when the focused element draws no outline.
 */
export async function focusRingContrast(page: Page): Promise<number> {
  const { outline, background } = await page.evaluate(() => {
    const window = globalThis as any;
    const focused = window.document.activeElement;
    const style = window.getComputedStyle(focused);
    return {
      outline: style.outlineStyle === 'none' ? '' : (style.outlineColor as string),
      background: window.getComputedStyle(window.document.body).backgroundColor as string,
    };
  });
  const [lighter, darker] = [luminance(outline), luminance(background)].sort((a, b) => b - a);
  return ((lighter ?? Number.NaN) + 0.05) / ((darker ?? Number.NaN) + 0.05);
}

/** Where {@link CANVAS_BEFORE_SCRIPTS} keeps what it saw on `window`. */
const CANVAS_MARK = '__payerboxCanvasBeforeScripts';

/**
 * An init script ({@link Page.addInitScript}) for a page whose canvas colour {@link canvasBeforeScripts} reads later:
 * once the HTML is parsed and before deferred and module scripts run (`readyState` "interactive"), it notes the
 * colour the browser paints its canvas with (the `Canvas` system colour, which follows the document's
 * `color-scheme`). That is what shows until the SPA has rendered. A string: this package has no DOM types.
 */
export const CANVAS_BEFORE_SCRIPTS = `(() => {
  if (window.top !== window) return;
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive' || !document.body) return;
    const probe = document.createElement('div');
    probe.style.backgroundColor = 'Canvas';
    document.body.append(probe);
    window[${JSON.stringify(CANVAS_MARK)}] = getComputedStyle(probe).backgroundColor;
    probe.remove();
  });
})();`;

/**
 * The canvas colour {@link CANVAS_BEFORE_SCRIPTS} saw before the page's own scripts ran, and whether it is dark;
 * fails when the script was not installed or the page never got there.
 */
export async function canvasBeforeScripts(
  page: Page,
): Promise<{ readonly background: string; readonly dark: boolean }> {
  const background = await page.evaluate(
    (mark: string) => (globalThis as Record<string, unknown>)[mark] as string | undefined,
    CANVAS_MARK,
  );
  if (background === undefined)
    throw new Error('the canvas was not seen before the scripts: install CANVAS_BEFORE_SCRIPTS');
  return { background, dark: luminance(background) < 0.18 };
}

/**
 * The checks the responsive tests give every page at every size, as assertions of `t` named after the page: no
 * layout finding ({@link layoutFindings}), then no axe finding in either colour scheme, with a screenshot per scheme
 * named `<app>-<page>-<size>-<scheme>`.
 */
export async function checkPageAtSize(
  t: { same(found: unknown, wanted: unknown, message: string): unknown },
  page: Page,
  where: { readonly app: string; readonly page: string; readonly viewport: Viewport },
): Promise<void> {
  const at = `${where.page} at ${where.viewport.name}`;
  t.same(await layoutFindings(page), [], `${at}: no sideways scrolling, no cut badge or portal name`);
  t.same(
    await accessibilityInEachScheme(page, { screenshot: `${where.app}-${where.page}-${where.viewport.name}` }),
    { light: [], dark: [] },
    `${at}: no serious or critical axe violation in the light or the dark scheme`,
  );
}
