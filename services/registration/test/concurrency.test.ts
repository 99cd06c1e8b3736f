import t from 'tap';
import { buildTestApp, createService, createUser } from './helpers/app.ts';
import { listen } from './helpers/http.ts';
import { expectProblem } from './helpers/problem.ts';
import { fetchService, serviceEvents, serviceInStatus } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';

t.test('fifty concurrent approve and reject calls on one service: exactly one wins', async (t) => {
  const app = await buildTestApp(t);
  const http = await listen(app);
  const owner = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await serviceInStatus(owner, admin, 'under_review');

  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? http.send(admin.token, 'POST', `${ADMIN}/${service.id}/approve`, {})
        : http.send(admin.token, 'POST', `${ADMIN}/${service.id}/reject`, { reason: `race ${i}` }),
    ),
  );
  const winners = responses.filter((r) => r.statusCode === 200);
  const losers = responses.filter((r) => r.statusCode !== 200);
  t.equal(winners.length, 1, 'one 200');
  t.equal(losers.length, 49, 'forty-nine others');
  for (const loser of losers) {
    const problem = expectProblem(t, loser, 409, 'illegal_transition');
    t.equal(problem.currentStatus, winners[0]?.json().status, 'each names the status the winner left');
  }

  const final = await fetchService(owner, service.id);
  t.equal(final.status, winners[0]?.json().status);
  t.equal(final.version, service.version + 1, 'changed once');
  const decisions = (await serviceEvents(owner, service.id)).filter((e) => ['approve', 'reject'].includes(e.action));
  t.equal(decisions.length, 1, 'one decision in the audit trail');
  t.equal(decisions[0]?.toStatus, final.status);
});

t.test('concurrent PATCHes with the same If-Match: exactly one wins, the others 412', async (t) => {
  const app = await buildTestApp(t);
  const http = await listen(app);
  const owner = await createUser(app);
  const service = await createService(owner);

  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      http.send(owner.token, 'PATCH', `${BASE}/${service.id}`, { name: `writer ${i}` }, { 'if-match': '"1"' }),
    ),
  );
  const winners = responses.filter((r) => r.statusCode === 200);
  t.equal(winners.length, 1, 'one 200');
  const losers = responses.filter((r) => r.statusCode !== 200);
  t.equal(losers.length, 9);
  for (const loser of losers) {
    t.equal(expectProblem(t, loser, 412, 'version_mismatch').currentVersion, 2);
  }
  const final = await fetchService(owner, service.id);
  t.equal(final.version, 2);
  t.equal(final.name, winners[0]?.json().name, 'the change of the winner is kept');
  const edits = (await serviceEvents(owner, service.id)).filter((e) => e.action === 'edit');
  t.equal(edits.length, 1);
});

t.test('concurrent submit and delete of one draft: exactly one takes effect', async (t) => {
  const app = await buildTestApp(t);
  const http = await listen(app);
  const owner = await createUser(app);
  const service = await createService(owner);

  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? http.send(owner.token, 'POST', `${BASE}/${service.id}/submit`)
        : http.send(owner.token, 'DELETE', `${BASE}/${service.id}`),
    ),
  );
  const succeeded = responses.filter((r) => r.statusCode === 200 || r.statusCode === 204);
  t.equal(succeeded.length, 1, 'one success');
  const deleted = succeeded[0]?.statusCode === 204;
  for (const other of responses.filter((r) => r !== succeeded[0])) {
    // After a delete the service is gone (404); after a submit it is under review (409).
    if (deleted) expectProblem(t, other, 404, 'not_found');
    else t.equal(expectProblem(t, other, 409, 'illegal_transition').currentStatus, 'under_review');
  }
});
