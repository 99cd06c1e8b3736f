import type { Locator, Page } from 'playwright-core';

/** A window size a test runs its journeys at, with a name for screenshots and messages (`390x844`). */
export interface Viewport {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The sizes the portal is checked at: a phone held upright, a tablet held upright (or half a laptop screen), and the
 * desktop size {@link BrowserPortal.newPage} uses by default.
 */
export const VIEWPORTS = {
  phone: { name: '390x844', width: 390, height: 844 },
  tablet: { name: '768x1024', width: 768, height: 1024 },
  desktop: { name: '1280x900', width: 1280, height: 900 },
} as const satisfies Record<string, Viewport>;

/**
 * What is wrong with the page's layout at its current window size, one sentence each (an empty array when nothing):
 * the page scrolls sideways (`document.scrollingElement.scrollWidth` beyond `innerWidth`), naming the elements that
 * stick out past the window's right edge outside a table's own scroll box (`[data-table-scroll]`); any badge whose
 * label is cut (its `scrollWidth` beyond its `clientWidth`, which is what an ellipsis means); and the portal's name in
 * the header (its first link) cut the same way.
 */
export async function layoutFindings(page: Page): Promise<string[]> {
  // Runs in the page; this package is type-checked without the DOM library, hence the untyped document. No named
  // functions inside: tsx would wrap them in a helper (`__name`) that the page does not have.
  return page.evaluate(() => {
    const window = globalThis as any;
    const document = window.document;
    const findings: string[] = [];
    const pageWidth = document.scrollingElement.scrollWidth;
    if (pageWidth > window.innerWidth) {
      const sticking = [...document.body.querySelectorAll('*')].filter(
        (element: any) =>
          element.getBoundingClientRect().right > window.innerWidth + 1 &&
          element.closest('[data-table-scroll]') === null &&
          // Only the outermost culprit: its children stick out because it does.
          !(element.parentElement?.getBoundingClientRect().right > window.innerWidth + 1),
      );
      findings.push(
        `the page is ${pageWidth} px wide in a ${window.innerWidth} px window: ${sticking
          .slice(0, 5)
          .map(
            (element: any) =>
              `${element.tagName.toLowerCase()}${element.classList.length > 0 ? `.${element.classList[0]}` : ''} "${(element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`,
          )
          .join(', ')}`,
      );
    }
    for (const label of document.querySelectorAll('.mantine-Badge-label')) {
      if (label.scrollWidth > label.clientWidth) {
        findings.push(`the badge "${label.textContent}" is cut to ${label.clientWidth} of its ${label.scrollWidth} px`);
      }
    }
    // The portal's name in the header, beside the bell and Sign out: shown whole, not cut with an ellipsis.
    const productName = document.querySelector('header a[href]');
    if (productName && productName.scrollWidth > productName.clientWidth) {
      findings.push(
        `the header cuts the portal's name "${productName.textContent}" to ${productName.clientWidth} of its ${productName.scrollWidth} px`,
      );
    }
    return findings;
  });
}

/**
 * Whether the navigation landmark named `name` (default `Main`) is on screen: a drawer that has slid out of a narrow
 * window is still in the document and "visible" to Playwright, so this looks at where it is.
 */
export async function navigationInView(page: Page, name = 'Main'): Promise<boolean> {
  const nav = page.getByRole('navigation', { name, exact: true });
  return nav.evaluate((element: any) => element.getBoundingClientRect().right > 0);
}

/** Waits until the navigation named `name` has slid fully into the window (`shown`) or fully out of it. */
export async function navigationSettles(page: Page, shown: boolean, name = 'Main'): Promise<void> {
  const nav = page.getByRole('navigation', { name, exact: true });
  const handle = await nav.elementHandle();
  await page.waitForFunction(
    ({ element, shown }: { element: any; shown: boolean }) => {
      const { left, right } = element.getBoundingClientRect();
      return shown ? left >= 0 && right > 0 : right <= 0;
    },
    { element: handle, shown },
  );
  await handle?.dispose();
}

/** What a person saw while following a link of the main navigation ({@link followNavigationLink}). */
export interface NavigationVisit {
  /** The navigation was on screen before anything was pressed (beside the page, on a wide window). */
  readonly shownAtFirst: boolean;
  /** The link had to be reached through the burger button ("Open navigation"), which then said "Close navigation". */
  readonly throughBurger: boolean;
  /** The navigation was on screen once the link was followed (false: it slid away, leaving the page to the content). */
  readonly shownAfter: boolean;
}

/**
 * Follows the link named `link` in the main navigation as a person does at the window's size: where the navigation is
 * off screen, opens it with the burger button first and waits for it to slide in; after the click, waits for it to
 * slide out again (failing if it stays).
 */
export async function followNavigationLink(page: Page, link: string): Promise<NavigationVisit> {
  const shownAtFirst = await navigationInView(page);
  const burger = page.getByRole('button', { name: 'Open navigation' });
  const throughBurger = !shownAtFirst && (await burger.isVisible());
  if (throughBurger) {
    await burger.click();
    await page.getByRole('button', { name: 'Close navigation', expanded: true }).waitFor();
    await navigationSettles(page, true);
  }
  await page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: link }).click();
  if (throughBurger) await navigationSettles(page, false);
  return { shownAtFirst, throughBurger, shownAfter: await navigationInView(page) };
}

/**
 * The {@link NavigationVisit} a window of this size must give, and what it means: below the desktop width the
 * navigation is a drawer that starts closed, opens with the burger and closes once a page is chosen; a wide window
 * shows it beside the page, without a burger.
 */
export function expectedNavigationVisit(viewport: Viewport): { visit: NavigationVisit; meaning: string } {
  return viewport.width < VIEWPORTS.desktop.width
    ? {
        visit: { shownAtFirst: false, throughBurger: true, shownAfter: false },
        meaning: 'the navigation starts closed, opens with the burger and closes once a page is chosen',
      }
    : {
        visit: { shownAtFirst: true, throughBurger: false, shownAfter: true },
        meaning: 'a wide window shows the navigation beside the page, without a burger',
      };
}

/** The names of the main navigation's links marked as the current page (`aria-current="page"`): one, on any page. */
export async function currentNavigationItems(page: Page, name = 'Main'): Promise<string[]> {
  const links = page.getByRole('navigation', { name, exact: true }).locator('a[aria-current="page"]');
  return (await links.allTextContents()).map((text) => text.trim());
}

/**
 * Whether the elements come in this order in the document (each one before the next, which is the order a screen
 * reader and the Tab key meet them, and the order the page shows them in a single column).
 */
export async function inDocumentOrder(...locators: Locator[]): Promise<boolean> {
  for (let index = 1; index < locators.length; index++) {
    const [earlier, later] = [locators[index - 1], locators[index]];
    if (!earlier || !later) continue;
    const next = await later.elementHandle();
    // Node.DOCUMENT_POSITION_FOLLOWING (4): `later` follows `earlier`.
    const follows = await earlier.evaluate(
      (element: any, other: any) => (element.compareDocumentPosition(other) & 4) !== 0,
      next,
    );
    await next?.dispose();
    if (!follows) return false;
  }
  return true;
}
