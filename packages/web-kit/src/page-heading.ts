import { type RefObject, useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** A page's main heading: the first h1 in the main landmark (each page renders exactly one). */
function mainHeading(main: HTMLElement): HTMLHeadingElement | null {
  return main.querySelector('h1');
}

/**
 * Names the window after the page's main heading (`Claims sync · Payerbox Developer Portal`) and, after each navigation
 * to another page, moves focus to that heading, so a screen reader announces the new page and Tab continues from it.
 *
 * The heading is read from the page rather than declared by each page: many pages only know their name once their data
 * has loaded, and a title kept beside the heading could drift from it. Nothing moves focus on the first load (the skip
 * link stays the first stop) nor when only the query string changes (typing in a search box updates it).
 */
export function usePageHeading(mainRef: RefObject<HTMLElement | null>, productName: string): void {
  const { pathname } = useLocation();

  useEffect(() => {
    const main = mainRef.current;
    if (!main) return;
    const nameWindow = () => {
      const heading = mainHeading(main)?.textContent?.trim();
      const title = heading ? `${heading} · ${productName}` : productName;
      if (document.title !== title) document.title = title;
    };
    nameWindow();
    const observer = new MutationObserver(nameWindow);
    observer.observe(main, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [mainRef, productName]);

  const shownPath = useRef(pathname);
  // Set on navigation, cleared once the heading has focus: a page still loading gets its heading focused when it appears.
  const focusPending = useRef(false);
  useEffect(() => {
    if (shownPath.current !== pathname) {
      shownPath.current = pathname;
      focusPending.current = true;
    }
    const main = mainRef.current;
    if (!main || !focusPending.current) return;
    const focusHeading = (): boolean => {
      const heading = mainHeading(main);
      if (!heading) return false;
      // Focusable from script only, not a Tab stop of its own.
      heading.tabIndex = -1;
      // The window's scroll position is the router's to set (the top of a new page, the old place after Back).
      heading.focus({ preventScroll: true });
      focusPending.current = false;
      return true;
    };
    if (focusHeading()) return;
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(main, { subtree: true, childList: true });
    return () => observer.disconnect();
  }, [mainRef, pathname]);
}
