import { createDb, type Database } from '@payerbox/db';
import { notifyExpiringApiTokens, type RecurringWork } from '@payerbox/notifier';
import { type Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { type AgedToken, tokenExpiringIn as agedToken } from '../src/expiring-api-tokens.ts';
import type { LocalStack, StackUser } from '../src/local-stack.ts';
import { startInbox, startNotifier } from './helpers/mail.ts';
import { startStack } from './helpers/stack.ts';

function stackDb(t: Test, stack: LocalStack): Kysely<Database> {
  const db = createDb({ databaseUrl: stack.databaseUrl, poolSize: 4 });
  t.teardown(() => db.destroy());
  return db;
}

/** A token of `user` that now expires in `expiresInDays`, having lived `lifetimeDays` (30 unless told) in all. */
async function tokenExpiringIn(
  stack: LocalStack,
  user: StackUser,
  expiresInDays: number,
  lifetimeDays?: number,
): Promise<AgedToken> {
  return agedToken(stack.databaseUrl, user, { expiresInDays, ...(lifetimeDays !== undefined && { lifetimeDays }) });
}

/** How many jobs of `task` wait in the stack's queue. */
async function queued(db: Kysely<Database>, task: string): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*) as count from graphile_worker.jobs where task_identifier = ${task}`.execute(db);
  return Number(rows[0]?.count);
}

async function emailQueueDrained(db: Kysely<Database>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queued(db, 'send_notification_email')) > 0) {
    if (Date.now() > deadline) throw new Error('the e-mail queue did not drain');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function tokenNotices(user: StackUser) {
  const list = await user.api('GET', '/notifications');
  return (list.body.items as { type: string; apiToken: { id: string } | null }[]).filter(
    (item) => item.type === 'api_token.expiring',
  );
}

t.test(
  'a token expiring in 6 days is told to its holder once, in the app and by e-mail, however many scans and notifiers run',
  async (t) => {
    const stack = await startStack(t);
    const db = stackDb(t, stack);
    const inbox = await startInbox(t);
    const holder = stack.developer;
    const soon = await tokenExpiringIn(stack, holder, 6);
    const day = `${soon.expiresAt.getUTCDate()} `;
    // Two notifier processes, each scanning every 100 ms.
    for (let i = 0; i < 2; i += 1) {
      startNotifier(t, stack, inbox.smtpPort, { API_TOKEN_EXPIRY_SCAN_INTERVAL_MS: '100' });
    }
    const email = await inbox.waitFor(holder.email, (caught) => caught.subject.includes(soon.name));
    t.match(email.subject, `Your API token “${soon.name}” expires on ${day}`);
    t.match(email.text, `Token: ${soon.name} (${soon.tokenPrefix}…)`, 'the e-mail names the token and its prefix');
    t.match(email.text, 'Create a new token and put it in place of this one', 'and says what to do');
    t.match(email.text, 'Manage your API tokens: http://portal.test/api-tokens', 'with a link to the tokens page');

    // More scans, some at the same moment, on top of the notifiers' own.
    const again = await Promise.all([1, 2, 3].map(() => notifyExpiringApiTokens(db, { emailMaxAttempts: 1 })));
    t.same(
      again.map((run) => run.notified),
      [0, 0, 0],
      'a noticed token is not noticed again',
    );
    await emailQueueDrained(db);
    const toHolder = (await inbox.emails()).filter((caught) => caught.subject.includes(soon.name));
    t.equal(toHolder.length, 1, 'one e-mail');
    t.match(await tokenNotices(holder), [{ apiToken: { id: soon.id, name: soon.name } }], 'one notice in the app');
    t.equal((await tokenNotices(holder)).length, 1);
  },
);

t.test(
  'tokens expiring in 8 days, revoked, expired, or made to live less than the notice window are not told of',
  async (t) => {
    const stack = await startStack(t);
    const db = stackDb(t, stack);
    const holder = await stack.createUser('developer');
    await tokenExpiringIn(stack, holder, 8);
    const revoked = await tokenExpiringIn(stack, holder, 6);
    t.equal((await holder.api('DELETE', `/api-tokens/${revoked.id}`)).status, 204, 'one is revoked');
    await tokenExpiringIn(stack, holder, -1 / 24);
    // Made a moment ago to live 3 days: inside the window from its first moment, and its maker knows.
    await tokenExpiringIn(stack, holder, 3, 3);
    const result = await notifyExpiringApiTokens(db, { emailMaxAttempts: 1 });
    t.equal(result.notified, 0, 'none noticed');
    t.same(await tokenNotices(holder), []);
    const noticed = await tokenExpiringIn(stack, holder, 6);
    t.same(await notifyExpiringApiTokens(db, { emailMaxAttempts: 1 }), { notified: 1, emailsQueued: 1 });
    t.match(await tokenNotices(holder), [{ apiToken: { id: noticed.id } }], 'the one in the window is');
  },
);

t.test('an administrator’s token is told of too', async (t) => {
  const stack = await startStack(t);
  const db = stackDb(t, stack);
  const admin = await stack.createUser('admin');
  const token = await tokenExpiringIn(stack, admin, 2);
  t.same(await notifyExpiringApiTokens(db, { emailMaxAttempts: 1 }), { notified: 1, emailsQueued: 1 });
  t.match(await tokenNotices(admin), [{ apiToken: { id: token.id } }]);
});

t.test('a holder who turned these e-mails off gets the notice in the app and no e-mail', async (t) => {
  const stack = await startStack(t);
  const db = stackDb(t, stack);
  const holder = await stack.createUser('developer');
  const off = await holder.api('PUT', '/notification-preferences', { email: { 'api_token.expiring': false } });
  t.equal(off.status, 200, 'the holder turns these e-mails off');
  const token = await tokenExpiringIn(stack, holder, 5);
  t.same(await notifyExpiringApiTokens(db, { emailMaxAttempts: 1 }), { notified: 1, emailsQueued: 0 });
  t.equal(await queued(db, 'send_notification_email'), 0, 'no e-mail is queued');
  t.match(await tokenNotices(holder), [{ apiToken: { id: token.id } }], 'the app tells of it');
});

t.test('a recurring work runs again after its interval, and a run that throws still queues the next', async (t) => {
  const stack = await startStack(t);
  const everyMs = 300;
  const runs: number[] = [];
  let third!: () => void;
  const thirdRun = new Promise<void>((resolve) => {
    third = resolve;
  });
  const work: RecurringWork = {
    name: 'test_recurring_work',
    everyMs,
    async run() {
      runs.push(Date.now());
      if (runs.length === 3) third();
      if (runs.length === 1) throw new Error('the first run fails');
    },
  };
  await stack.startNotifier({ recurring: [work] });
  await thirdRun;
  t.equal(runs.length, 3, 'it ran three times, the first failing');
  for (let i = 1; i < runs.length; i += 1) {
    const wait = (runs[i] ?? 0) - (runs[i - 1] ?? 0);
    // The queue's clock is the database's; a few milliseconds of rounding between the two clocks are allowed.
    t.ok(wait >= everyMs - 20, `run ${i + 1} came ${wait} ms after the previous one, not before the interval`);
  }
});
