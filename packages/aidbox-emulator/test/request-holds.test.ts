import t from 'tap';
import { startEmulator, uniqueId } from './emulator-fixture.ts';

const client = { grant_types: ['client_credentials'], scope: ['system/Patient.rs'], secret: 'pw' };

t.test(
  'holds the matching request before it changes anything, lets others pass, and serves it on release',
  async (t) => {
    const aidbox = await startEmulator(t);
    const held = uniqueId('held');
    const other = uniqueId('other');
    const hold = aidbox.emulator.hold({ method: 'put', path: /^\/Client\// });
    const heldAnswer = aidbox.admin('PUT', `/Client/${held}?_pretty=true`, client);
    t.same(await hold.arrived(), [{ method: 'PUT', path: `/Client/${held}` }], 'arrived says which request it holds');
    t.equal(aidbox.emulator.resource('Client', held), undefined, 'a held request has not reached its handler');
    t.equal((await aidbox.admin('GET', `/Client/${held}`)).status, 404, 'another method passes');
    t.equal((await aidbox.admin('PUT', `/AccessPolicy/${held}`, { engine: 'allow' })).status, 201, 'another path too');
    t.equal((await aidbox.admin('PUT', `/Client/${other}`, client)).status, 201, 'the hold took its one request');
    t.notOk(
      aidbox.emulator.requests().some((r) => r.path === `/Client/${held}` && r.method === 'PUT'),
      'unanswered',
    );
    hold.release();
    t.equal((await heldAnswer).status, 201, 'released, it is served');
    t.match(aidbox.emulator.resource('Client', held), { scope: ['system/Patient.rs'] });
  },
);

t.test('holds the given number of requests and tells when they have all arrived', async (t) => {
  const aidbox = await startEmulator(t);
  const ids = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
  const hold = aidbox.emulator.hold({ count: 2, method: 'PUT' });
  const answers = [aidbox.admin('PUT', `/Client/${ids[0]}`, client), aidbox.admin('PUT', `/Client/${ids[1]}`, client)];
  t.same(
    (await hold.arrived()).map((r) => r.path).sort(),
    [`/Client/${ids[0]}`, `/Client/${ids[1]}`].sort(),
    'both held',
  );
  t.equal((await aidbox.admin('PUT', `/Client/${ids[2]}`, client)).status, 201, 'the third passes');
  hold.release();
  t.same(
    (await Promise.all(answers)).map((answer) => answer.status),
    [201, 201],
  );
});

t.test('a released request meets the injected faults like any other', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  const hold = aidbox.emulator.hold();
  const answer = aidbox.admin('PUT', `/Client/${id}`, client);
  await hold.arrived();
  aidbox.emulator.setFaults({ errorRate: 1 });
  hold.release();
  t.equal((await answer).status, 503);
  t.equal(aidbox.emulator.resource('Client', id), undefined);
});

t.test('closing drops the requests still held, unanswered and unapplied', async (t) => {
  const aidbox = await startEmulator(t);
  const id = uniqueId('svc');
  const hold = aidbox.emulator.hold();
  const answer = aidbox.admin('PUT', `/Client/${id}`, client);
  await hold.arrived();
  await aidbox.emulator.close();
  await t.rejects(answer, TypeError, 'the connection closes without an answer');
  t.equal(aidbox.emulator.resource('Client', id), undefined);
  t.same(aidbox.emulator.requests(), []);
});

t.test('refuses a hold of no requests', async (t) => {
  const aidbox = await startEmulator(t);
  t.throws(() => aidbox.emulator.hold({ count: 0 }), RangeError);
  t.throws(() => aidbox.emulator.hold({ count: 1.5 }), RangeError);
});
