import type { Page } from 'playwright-core';

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
 * stick out past the window's right edge outside a table's own scroll box (`[data-table-scroll]`); and any badge
 * whose label is cut (its `scrollWidth` beyond its `clientWidth`, which is what an ellipsis means).
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
              `${element.tagName.toLowerCase()}.${String(element.className).split(' ')[0]} "${(element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`,
          )
          .join(', ')}`,
      );
    }
    for (const label of document.querySelectorAll('.mantine-Badge-label')) {
      if (label.scrollWidth > label.clientWidth) {
        findings.push(`the badge "${label.textContent}" is cut to ${label.clientWidth} of its ${label.scrollWidth} px`);
      }
    }
    return findings;
  });
}
