import { scanExpiringApiTokens, tokenExpiringIn } from '@payerbox/dev-stack/expiring-api-tokens';
import { checkPageAtSize } from './color-scheme.ts';
import type { Viewport } from './layout.ts';
import type { BrowserPortal, PortalAccount } from './portal.ts';
import { signedInPage } from './sign-in.ts';

/** The assertions a journey makes (a tap test satisfies it). */
interface Assertions {
  same(found: unknown, wanted: unknown, message: string): unknown;
  equal(found: unknown, wanted: unknown, message: string): unknown;
  pass(message: string): unknown;
}

const POLL_MS = 50;

/**
 * Resolves once the account has `count` unread notifications: the notifier turns events into notifications after their
 * transaction commits, so a test that arranged events waits for them before it looks in the browser.
 */
export async function unreadCountBecomes(account: PortalAccount, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const answer = await account.api('GET', '/notifications?limit=1');
    last = answer.body?.unreadCount;
    if (last === count) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${account.email} did not get ${count} unread notifications; last seen ${JSON.stringify(last)}`);
}

/** Marks every notification of the account read, so a test counts only the ones it causes. */
export async function markAllNotificationsRead(account: PortalAccount): Promise<void> {
  const answer = await account.api('POST', '/notifications/read-all');
  if (answer.status !== 204) throw new Error(`read-all failed: ${JSON.stringify(answer.body)}`);
}

/**
 * The journey of an API token about to expire, as both portals' tests run it: a token of the account expiring in
 * `expiresInDays`, the scan the notifier runs, then the account's notifications page at `viewport` (checked at that
 * size), where the notice opens the developer portal's API tokens page, listing the token, and is marked read.
 */
export async function expiringTokenNoticeJourney(
  t: Assertions,
  portal: BrowserPortal,
  account: PortalAccount,
  options: {
    readonly app: 'developer' | 'admin';
    readonly viewport: Viewport;
    readonly tokenName: string;
    readonly expiresInDays: number;
  },
): Promise<void> {
  await markAllNotificationsRead(account);
  const { databaseUrl } = portal.stack;
  const token = await tokenExpiringIn(databaseUrl, account, {
    expiresInDays: options.expiresInDays,
    name: options.tokenName,
  });
  await scanExpiringApiTokens(databaseUrl);
  await unreadCountBecomes(account, 1);

  const path = options.app === 'admin' ? '/admin/notifications' : '/notifications';
  const page = await signedInPage(portal, account, path, { viewport: options.viewport });
  const list = page.getByRole('list', { name: 'Your notifications' });
  const notice = list.getByRole('link', { name: new RegExp(`^Your API token “${token.name}” expires on \\d`) });
  await notice.waitFor();
  await checkPageAtSize(t, page, { app: options.app, page: 'notifications-token', viewport: options.viewport });
  const read = page.waitForResponse((response) => response.url().endsWith('/read'));
  await notice.click();
  t.equal((await read).status(), 204, 'opening the notice marks it read');
  await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
  t.equal(new URL(page.url()).pathname, '/api-tokens', 'the notice opens the developer portal’s API tokens page');
  await page.getByText(token.name, { exact: true }).first().waitFor();
  t.pass('where the token is listed, to be replaced');
  await page.close();
}
