import type { Frame, Page, Response } from 'playwright-core';
import type { BrowserPortal, PageOptions, PortalAccount } from './portal.ts';

/** Each step of a sign-in (reaching the form, coming back, the SPA seeing its session) gets this long. */
const STEP_TIMEOUT_MS = 15_000;

interface Watch<T> {
  readonly promise: Promise<T>;
  dispose(): void;
}

/** Resolves at the first event that `pick` turns into a value; stops listening once disposed. */
function watch<S, T>(subscribe: (listener: (subject: S) => void) => () => void, pick: (subject: S) => T | undefined) {
  let unsubscribe = () => {};
  const promise = new Promise<T>((resolve) => {
    unsubscribe = subscribe((subject) => {
      const value = pick(subject);
      if (value !== undefined) resolve(value);
    });
  });
  return { promise, dispose: () => unsubscribe() } satisfies Watch<T>;
}

/** The next page the browser shows (a committed main-frame navigation) whose URL `accept`s, as a URL. */
function nextPage(page: Page, accept: (url: URL) => boolean = () => true): Watch<URL> {
  return watch<Frame, URL>(
    (listener) => {
      page.on('framenavigated', listener);
      return () => page.off('framenavigated', listener);
    },
    (frame) => {
      if (frame !== page.mainFrame()) return undefined;
      const url = new URL(frame.url());
      return accept(url) ? url : undefined;
    },
  );
}

/** The next time the SPA learns it has a session: `GET /api/auth/session` on the portal answers 200. */
function sessionConfirmed(page: Page, origin: string): Watch<Response> {
  return watch<Response, Response>(
    (listener) => {
      page.on('response', listener);
      return () => page.off('response', listener);
    },
    (response) => {
      const url = new URL(response.url());
      return url.origin === origin && url.pathname === '/api/auth/session' && response.status() === 200
        ? response
        : undefined;
    },
  );
}

async function within<T>(promise: Promise<T>, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()} (after ${STEP_TIMEOUT_MS} ms)`)), STEP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails when the session the SPA found belongs to someone else (a context signed in earlier as another account). */
async function expectSessionOf(response: Response, account: PortalAccount): Promise<void> {
  const body = (await response.json().catch(() => undefined)) as { user?: { email?: unknown } } | undefined;
  const email = body?.user?.email;
  if (typeof email === 'string' && email.toLowerCase() !== account.email.toLowerCase()) {
    throw new Error(`wanted to sign in ${account.email}, but this context is signed in as ${email}; use a new page`);
  }
}

/** The text a failed step left on screen, for the error message (bounded, never throws). */
async function visibleText(page: Page): Promise<string> {
  const text = await page
    .locator('body')
    .textContent({ timeout: 2_000 })
    .catch(() => null);
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * Signs `account` in the way a person does. Goes to `${portal.url}${path}` (default `/`; `/admin/` for the admin SPA)
 * and waits for one of two things: the SPA's `GET /api/auth/session` answering 200 (the context is signed in already,
 * or the identity provider still had a session and sent the browser straight back), or the identity provider's login
 * form (the SPA answered a 401 by sending the browser to `/api/auth/login?app=…&returnTo=…`). At the form it types the
 * e-mail address and password and submits, then resolves once the browser is back on the portal's origin and the SPA's
 * session request has answered 200.
 *
 * Fails, naming what it saw, when the provider refuses the credentials, the portal's callback answers an error, the
 * session belongs to another account (the context was signed in as someone else: use a new page), or a step takes
 * longer than 15 s.
 */
export async function signIn(page: Page, portal: BrowserPortal, account: PortalAccount, path = '/'): Promise<void> {
  const portalOrigin = new URL(portal.url).origin;
  const issuerOrigin = new URL(portal.issuer).origin;
  const target = `${portal.url}${path}`;

  // Listening starts before navigating, so neither outcome can happen unseen.
  const signedIn = sessionConfirmed(page, portalOrigin);
  const toProvider = nextPage(page, (url) => url.origin === issuerOrigin);
  try {
    // `commit`: the SPA may send the browser on to the identity provider before its own page finishes loading.
    await page.goto(target, { waitUntil: 'commit' });
    const first = await within(
      Promise.race([signedIn.promise, toProvider.promise.then(() => 'form' as const)]),
      () => `signing in at ${target}: neither a session nor the login form appeared; the page is at ${page.url()}`,
    );
    if (first !== 'form') {
      await expectSessionOf(first, account);
      return;
    }
  } finally {
    signedIn.dispose();
    toProvider.dispose();
  }

  const email = page.locator('form input[name="email"]');
  await email.waitFor({ state: 'visible' });
  const backWithSession = sessionConfirmed(page, portalOrigin);
  const landed = nextPage(page);
  try {
    await email.fill(account.email);
    await page.locator('form input[name="password"]').fill(account.password);
    await page.locator('form [type="submit"]').click();
    const url = await within(landed.promise, () => `signing in ${account.email}: the login form led nowhere`);
    if (url.origin === issuerOrigin) {
      throw new Error(`the identity provider refused ${account.email}: ${await visibleText(page)}`);
    }
    if (url.origin !== portalOrigin || url.pathname.startsWith('/api/')) {
      throw new Error(`signing in ${account.email} ended at ${url.href}: ${await visibleText(page)}`);
    }
    const session = await within(
      backWithSession.promise,
      () => `${account.email} is back at ${page.url()}, but the SPA's GET /api/auth/session never answered 200`,
    );
    await expectSessionOf(session, account);
  } finally {
    backWithSession.dispose();
    landed.dispose();
  }
}

/** A new page (fresh cookies) signed in as `account` and showing `path`; `options` set e.g. its viewport. */
export async function signedInPage(
  portal: BrowserPortal,
  account: PortalAccount,
  path = '/',
  options: PageOptions = {},
): Promise<Page> {
  const page = await portal.newPage(options);
  await signIn(page, portal, account, path);
  return page;
}

/**
 * Signs out as a person does (the header's Sign out) and resolves once the identity provider's end-of-session page has
 * loaded, the portal's session gone.
 */
export async function signOut(page: Page, portal: BrowserPortal): Promise<void> {
  const issuerOrigin = new URL(portal.issuer).origin;
  const left = nextPage(page, (url) => url.origin === issuerOrigin);
  try {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await within(left.promise, () => `Sign out did not lead to the identity provider; the page is at ${page.url()}`);
    // Committed is not done: Back pressed while that page still loads can find no page to act on (CDP: "Not attached
    // to an active page"), so wait until it has loaded, as a person would before pressing Back.
    await page.waitForLoadState('load');
  } finally {
    left.dispose();
  }
}

/**
 * Presses the browser's Back and resolves once the previous page is committed. With the back/forward cache on, that
 * page may come back as it was left, which fires no `load` (hence not `page.goBack()`'s default wait).
 */
export async function pressBack(page: Page): Promise<void> {
  await page.goBack({ waitUntil: 'commit' });
}
