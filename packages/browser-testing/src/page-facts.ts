import type { Locator, Page } from 'playwright-core';
import type { BrowserPortal } from './portal.ts';
import { pressBack, signOut } from './sign-in.ts';

// The function handed to waitForFunction runs in the page; this package is compiled without the DOM's types.
declare const document: { readonly title: string };

/** Resolves once the window's title is `title` (fails after the page's timeout). */
export async function titleBecomes(page: Page, title: string): Promise<void> {
  await page.waitForFunction((expected) => document.title === expected, title);
}

/** The text of the focused element once it is the page's main heading. */
export async function focusedHeading(page: Page): Promise<string> {
  const heading = page.locator('h1:focus');
  await heading.waitFor();
  return (await heading.textContent()) ?? '';
}

/**
 * A service of the portal's developer, registered and submitted through the API, for tests of what an admin does
 * with it (the developer SPA's own tests cover registering through the form).
 */
export async function submittedService(
  portal: BrowserPortal,
  name: string,
  scopes: readonly string[] = ['system/Patient.rs'],
  /** A key set URL (e.g. `startJwksServer`'s): the service authenticates with it instead of a client secret. */
  jwksUri?: string,
): Promise<{ id: string; name: string }> {
  const developer = portal.accounts.developer;
  const created = await developer.api('POST', '/backend-services', {
    name,
    description: `${name}: nightly export for care management`,
    ...(jwksUri === undefined ? { authMethod: 'client_secret' } : { authMethod: 'jwks_uri', jwksUri }),
    scopeVersion: 'v2',
    scopes,
  });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const submitted = await developer.api('POST', `/backend-services/${created.body.id}/submit`);
  if (submitted.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  return { id: created.body.id, name };
}

/**
 * The request id an error on screen gives for support ("Reference: <id> – quote it when you contact support.") inside
 * `scope`, once it shows.
 */
export async function shownSupportReference(scope: Locator): Promise<string> {
  const line = scope.getByText(/^Reference: \S+ – quote it when you contact support\.$/);
  await line.waitFor();
  const text = (await line.textContent()) ?? '';
  return /^Reference: (\S+) –/.exec(text)?.[1] ?? '';
}

/**
 * The text an input's `aria-describedby` points at of one kind: its hint (`description`) or its error message
 * (`error`), as Mantine names them (`<id>-description`, `<id>-error`); empty when it has none.
 */
export async function describedBy(input: Locator, kind: 'description' | 'error'): Promise<string> {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '')
    .split(/\s+/)
    .filter((id) => id.endsWith(`-${kind}`));
  const page = input.page();
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

const RESTORED_KEY = 'browser-testing:restored-page-text';

/**
 * Starts recording what the page shows at the moment the back/forward cache brings it back (the text of its body
 * once every earlier `pageshow` listener, the app's included, has run), in the tab's sessionStorage so it outlives the
 * page's navigations. Call on the page before leaving it; `restored()` reads the record from any later page of the
 * same origin in the tab: null when the page was never restored from the cache (it was loaded again instead).
 */
export async function watchRestoredPage(page: Page): Promise<{ restored(): Promise<string | null> }> {
  // Runs in the page (no DOM types here): the untyped globalThis stands for window.
  await page.evaluate((key) => {
    const window = globalThis as any;
    window.sessionStorage.removeItem(key);
    window.addEventListener('pageshow', (event: any) => {
      // What is rendered, as a person sees it: textContent would add the text of Mantine's <style> elements.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
      if (event.persisted) window.sessionStorage.setItem(key, window.document.body.innerText);
    });
  }, RESTORED_KEY);
  return {
    restored: () =>
      page.evaluate((key) => (globalThis as any).sessionStorage.getItem(key) as string | null, RESTORED_KEY),
  };
}

/**
 * Signs out of the portal page `page` shows, presses Back, and answers what the page showed when the back/forward
 * cache brought it back (null when it was loaded again instead). Resolves only once Back has led the browser to sign
 * in again (`/api/auth/login`) and back to a page of the portal that `backAt` accepts: with the identity provider's
 * own session alive (its "Sign out?" question unanswered), that new sign-in may succeed at once, so what must not
 * show is the page as it was left, before it.
 */
export async function shownAfterBackFromSignOut(
  page: Page,
  portal: BrowserPortal,
  backAt: (url: URL) => boolean,
): Promise<string | null> {
  const watch = await watchRestoredPage(page);
  await signOut(page, portal);
  const signingIn = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/auth/login');
  await pressBack(page);
  await signingIn;
  await page.waitForURL((url) => url.origin === portal.url && backAt(url));
  return watch.restored();
}
