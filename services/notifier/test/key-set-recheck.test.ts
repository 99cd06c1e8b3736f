import { randomUUID } from 'node:crypto';
import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { type KeySetRecheckOptions, recheckDueKeySets } from '../src/key-set-recheck.ts';
import { nextSlotAfter, recheckTickMs, slotOffsetMs } from '../src/key-set-schedule.ts';
import { insertKeySetService, loopbackCheck, ownDb, startKeySetServer } from './helpers/key-sets.ts';

const DAY_MS = 86_400_000;

/** Every known service made due (its slot is a day away otherwise). */
async function makeEveryoneDue(db: Kysely<Database>) {
  await db
    .updateTable('keySetRechecks')
    .set({ nextCheckAt: new Date(Date.now() - 1_000) })
    .execute();
}

/** One tick of the re-check over `db`, with `overrides` of its options. */
function tickOf(db: Kysely<Database>, overrides: Partial<KeySetRecheckOptions> = {}) {
  return recheckDueKeySets({
    db,
    intervalMs: DAY_MS,
    check: loopbackCheck(),
    logger: pino({ level: 'silent' }),
    checked: () => {},
    ...overrides,
  });
}

/** One tick of the re-check with every known service made due first. */
async function checkEveryoneNow(db: Kysely<Database>, verdicts: string[] = []) {
  await makeEveryoneDue(db);
  return tickOf(db, { checked: (verdict) => verdicts.push(verdict) });
}

/** A first tick enrols the services (at their slots); they are checked from the next. */
async function enrol(db: Kysely<Database>) {
  await checkEveryoneNow(db);
}

async function episodeEvents(db: Kysely<Database>, serviceId: string) {
  return db
    .selectFrom('serviceEvents')
    .select(['action', 'actorId', 'serviceStatus', 'detail'])
    .where('serviceId', '=', serviceId)
    .where('action', '=', 'jwks_check_failed')
    .orderBy('id')
    .execute();
}

async function stateOf(db: Kysely<Database>, serviceId: string) {
  return db.selectFrom('keySetRechecks').selectAll().where('serviceId', '=', serviceId).executeTakeFirst();
}

/** One enrolled service (waiting for its slot) whose key set now fails. */
async function enrolledFailingService(t: Test) {
  const db = await ownDb(t);
  const keySets = await startKeySetServer(t);
  const jwksUri = keySets.url();
  const { serviceId } = await insertKeySetService(db, { jwksUri });
  await enrol(db);
  keySets.failing(jwksUri, true);
  return { db, keySets, jwksUri, serviceId };
}

/** {@link enrolledFailingService}, made due; and a tick of the re-check with `overrides`. */
async function dueFailingService(t: Test) {
  const { db, keySets, jwksUri, serviceId } = await enrolledFailingService(t);
  await makeEveryoneDue(db);
  const tick = (overrides: Partial<KeySetRecheckOptions> = {}) => tickOf(db, overrides);
  return { db, keySets, jwksUri, serviceId, tick };
}

t.test(
  'a key set that keeps failing its checks tells its owner once: one event across three failing checks',
  async (t) => {
    const db = await ownDb(t);
    const keySets = await startKeySetServer(t);
    const jwksUri = keySets.url();
    const { serviceId } = await insertKeySetService(db, { jwksUri });
    await enrol(db);
    t.equal(keySets.hits(jwksUri), 0, 'enrolled services wait for their slot');
    keySets.failing(jwksUri, true);
    const verdicts: string[] = [];
    for (let check = 0; check < 3; check++) await checkEveryoneNow(db, verdicts);
    t.equal(keySets.hits(jwksUri), 3, 'checked three times');
    t.same(verdicts, ['fail', 'fail', 'fail']);
    const events = await episodeEvents(db, serviceId);
    t.equal(events.length, 1, 'one event for the episode');
    t.match(events[0], {
      actorId: null,
      serviceStatus: 'active',
      detail: {
        jwksUri,
        environments: ['sandbox', 'production'],
        error: `The server at ${jwksUri} answered HTTP 500 instead of the key set (HTTP 200): check the URL.`,
      },
    });
    const state = await stateOf(db, serviceId);
    t.ok(state?.failingSince, 'the episode is open');
    t.equal(state?.lastVerdict, 'fail');
    t.equal(state?.failingUrl, jwksUri);
    t.ok(
      state?.lastCheckedAt && state.failingSince && state.lastCheckedAt > state.failingSince,
      'later checks update it',
    );
  },
);

t.test('a passing check ends the episode, and a later failure starts a new one that notifies again', async (t) => {
  const { db, keySets, jwksUri, serviceId } = await enrolledFailingService(t);
  await checkEveryoneNow(db);
  await checkEveryoneNow(db);
  keySets.failing(jwksUri, false);
  const recovered = await checkEveryoneNow(db);
  t.equal(recovered.ended, 1, 'the pass ends the episode');
  t.match(await stateOf(db, serviceId), { lastVerdict: 'pass', failingSince: null, failingUrl: null });
  t.equal((await episodeEvents(db, serviceId)).length, 1, 'a recovery is not announced');
  keySets.failing(jwksUri, true);
  const again = await checkEveryoneNow(db);
  t.equal(again.started, 1);
  t.equal((await episodeEvents(db, serviceId)).length, 2, 'the second episode has its own event');
});

t.test(
  'a failing production key set is found and named with production, the environment whose tokens it signs',
  async (t) => {
    const db = await ownDb(t);
    const keySets = await startKeySetServer(t);
    const jwksUri = keySets.url();
    const productionJwksUri = keySets.url();
    const { serviceId } = await insertKeySetService(db, { jwksUri, productionJwksUri });
    await enrol(db);
    keySets.failing(productionJwksUri, true);
    await checkEveryoneNow(db);
    t.equal(keySets.hits(jwksUri), 1, 'both key sets are checked');
    const [event] = await episodeEvents(db, serviceId);
    t.match(event?.detail, { jwksUri: productionJwksUri, environments: ['production'] });
  },
);

t.test(
  'while an Aidbox has not told its algorithms, a tick checks nobody and the services keep their slots',
  async (t) => {
    let known = false;
    const { db, keySets, jwksUri, serviceId, tick: tickWith } = await dueFailingService(t);
    const before = await stateOf(db, serviceId);
    const tick = () => tickWith({ algorithmsKnown: async () => known });
    await tick();
    t.equal(keySets.hits(jwksUri), 0, 'the key set is not fetched');
    t.same(await stateOf(db, serviceId), before, 'the service keeps its slot and its state');
    t.same(await episodeEvents(db, serviceId), [], 'and nobody is told');
    known = true;
    await tick();
    t.equal(keySets.hits(jwksUri), 1, 'once the algorithms are known, the due service is checked');
    t.equal((await episodeEvents(db, serviceId)).length, 1);
  },
);

t.test('a service no longer Active, or no longer signing with a key set, is no longer checked', async (t) => {
  const db = await ownDb(t);
  const keySets = await startKeySetServer(t);
  const deactivated = { jwksUri: keySets.url() };
  const switched = { jwksUri: keySets.url() };
  const kept = { jwksUri: keySets.url() };
  const ids = {
    deactivated: (await insertKeySetService(db, deactivated)).serviceId,
    switched: (await insertKeySetService(db, switched)).serviceId,
    kept: (await insertKeySetService(db, kept)).serviceId,
  };
  const draft = await insertKeySetService(db, { jwksUri: keySets.url(), status: 'rejected' });
  await enrol(db);
  t.notOk(await stateOf(db, draft.serviceId), 'a service that is not Active takes no part');
  await db.updateTable('backendServices').set({ status: 'rejected' }).where('id', '=', ids.deactivated).execute();
  await db
    .updateTable('backendServices')
    .set({ authMethod: 'client_secret', jwksUri: null })
    .where('id', '=', ids.switched)
    .execute();
  await checkEveryoneNow(db);
  t.equal(keySets.hits(deactivated.jwksUri), 0, 'the deactivated service is not checked');
  t.equal(keySets.hits(switched.jwksUri), 0, 'the service now using a client secret is not checked');
  t.equal(keySets.hits(kept.jwksUri), 1, 'the Active one still is');
  t.notOk(await stateOf(db, ids.deactivated), 'its state is forgotten');
  t.notOk(await stateOf(db, ids.switched));
});

t.test('two notifiers ticking at once check a due service once and record one episode', async (t) => {
  const { db, keySets, jwksUri, serviceId, tick } = await dueFailingService(t);
  await Promise.all([tick(), tick()]);
  t.equal(keySets.hits(jwksUri), 1, 'claimed by one of them');
  t.equal((await episodeEvents(db, serviceId)).length, 1);
  const state = await stateOf(db, serviceId);
  t.ok(state && state.nextCheckAt.getTime() > Date.now(), 'moved to its next slot');
});

t.test('each service has its own slot within the interval, the same across restarts', async (t) => {
  const ids = Array.from({ length: 1_000 }, () => randomUUID());
  const slots = ids.map((id) => slotOffsetMs(id, DAY_MS));
  t.ok(
    slots.every((slot) => slot >= 0 && slot < DAY_MS),
    'every slot lies within the day',
  );
  t.ok(new Set(slots).size > 990, 'slots differ by id');
  // Spread: every hour of the day has some of the thousand services (about 42 each).
  const hours = new Set(slots.map((slot) => Math.floor(slot / 3_600_000)));
  t.equal(hours.size, 24, 'the checks spread over the whole day');
  const [id] = ids as [string];
  t.equal(slotOffsetMs(id, DAY_MS), slotOffsetMs(id, DAY_MS), 'the same id keeps its slot');
  const now = new Date();
  const next = nextSlotAfter(id, DAY_MS, now);
  t.ok(next > now && next.getTime() <= now.getTime() + DAY_MS, 'the next check is within one interval');
  t.equal((next.getTime() - slotOffsetMs(id, DAY_MS)) % DAY_MS, 0, 'at the service’s slot');
  t.equal(nextSlotAfter(id, DAY_MS, next).getTime(), next.getTime() + DAY_MS, 'then a day later');
  t.equal(recheckTickMs(DAY_MS), 60_000, 'a daily schedule ticks every minute');
  t.equal(recheckTickMs(2_000), 100, 'a short one every twentieth of its interval');
});
