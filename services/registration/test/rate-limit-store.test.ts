// The shared count behind the rate limits: hits reserved in blocks per replica never let more than the limit through
// across replicas, and cost one statement per block instead of one per hit.
import { randomUUID } from 'node:crypto';
import { createDb } from '@payerbox/db';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { ReservingCounter, reservationSize, WindowCounter } from '../src/plugins/rate-limit-store.ts';
import { testDatabaseUrl } from './helpers/app.ts';

const MINUTE = 60_000;

function database(t: Test) {
  const db = createDb({ databaseUrl: testDatabaseUrl(), poolSize: 2 });
  t.teardown(() => db.destroy());
  return db;
}

/** What the shared row counts for `key`. */
async function counted(db: ReturnType<typeof createDb>, key: string): Promise<number> {
  const row = await sql<{ hits: number }>`select hits from rate_limit_windows where key = ${key}`.execute(db);
  return row.rows[0]?.hits ?? 0;
}

t.test('reserves at most a twentieth of a limit at once, and one hit at a time up to a limit of twenty', async (t) => {
  t.equal(reservationSize(60), 3);
  t.equal(reservationSize(300), 15);
  t.equal(reservationSize(20), 1);
  t.equal(reservationSize(1), 1);
});

t.test('hands out consecutive positions from a block and reserves the next block when it is used up', async (t) => {
  const db = database(t);
  const counter = new ReservingCounter(new WindowCounter(db, (error) => t.fail(String(error))));
  const key = `test:${randomUUID()}`;
  const positions = [];
  for (let i = 0; i < 7; i += 1) positions.push((await counter.hit(key, MINUTE, 60)).hits);
  t.same(positions, [1, 2, 3, 4, 5, 6, 7], 'each hit gets its own position');
  // Blocks of 1, 2, 3 (the most for 60), 3: four statements for seven hits, two positions unused.
  t.equal(await counted(db, key), 9, 'blocks grow from one hit to a twentieth of the limit');
});

t.test('a key seen once reserves one hit, so replicas that see it rarely waste nothing', async (t) => {
  const db = database(t);
  const key = `test:${randomUUID()}`;
  for (let replica = 0; replica < 30; replica += 1) {
    const counter = new ReservingCounter(new WindowCounter(db, (error) => t.fail(String(error))));
    t.equal((await counter.hit(key, MINUTE, 10_000_000)).hits, replica + 1);
  }
  t.equal(await counted(db, key), 30, 'thirty replicas, thirty hits, thirty counted');
});

t.test('a burst on one key waits for one reservation instead of reserving a block per hit', async (t) => {
  const db = database(t);
  const counter = new ReservingCounter(new WindowCounter(db, (error) => t.fail(String(error))));
  const key = `test:${randomUUID()}`;
  const positions = await Promise.all(Array.from({ length: 15 }, () => counter.hit(key, MINUTE, 300)));
  t.same(
    positions.map((p) => p.hits).sort((a, b) => a - b),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  // One reservation at a time, growing 1, 2, 4, 8: four statements for fifteen hits, none wasted.
  t.equal(await counted(db, key), 15, 'the blocks add up to the hits');
});

t.test('replicas sharing the count never let more than the limit through', async (t) => {
  const db = database(t);
  const replicas = [0, 1, 2].map(() => new ReservingCounter(new WindowCounter(db, (error) => t.fail(String(error)))));
  const key = `test:${randomUUID()}`;
  const max = 100; // blocks of five
  let allowed = 0;
  const seen = new Set<number>();
  for (let i = 0; i < 150; i += 1) {
    const { hits } = await (replicas[i % 3] as ReservingCounter).hit(key, MINUTE, max);
    t.notOk(seen.has(hits), `position ${hits} is handed out once`);
    seen.add(hits);
    if (hits <= max) allowed += 1;
  }
  t.ok(allowed <= max, `${allowed} hits allowed of ${max}`);
  t.ok(allowed > max - 3 * reservationSize(max), 'refused at most replicas × block early');
});

t.test('a block ends with its window: the next hit starts a new count', async (t) => {
  const db = database(t);
  let now = 0;
  const counter = new ReservingCounter(new WindowCounter(db, (error) => t.fail(String(error))), () => now);
  const key = `test:${randomUUID()}`;
  t.equal((await counter.hit(key, MINUTE, 60)).hits, 1);
  t.equal((await counter.hit(key, MINUTE, 60)).hits, 2);
  // The window ends, in the database (its clock) and here (ours).
  await sql`update rate_limit_windows set resets_at = now() - interval '1 second' where key = ${key}`.execute(db);
  now += MINUTE;
  t.equal((await counter.hit(key, MINUTE, 60)).hits, 1, 'a fresh window');
});
