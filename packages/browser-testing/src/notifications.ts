import type { PortalAccount } from './portal.ts';

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
