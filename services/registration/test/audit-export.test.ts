import { randomUUID } from 'node:crypto';
import t from 'tap';
import { csvField } from '../src/modules/audit-events/csv.ts';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import { parseCsv } from './helpers/csv.ts';
import { listen } from './helpers/http.ts';
import { errorPaths, expectProblem } from './helpers/problem.ts';
import { type EventView, serviceInStatus } from './helpers/services.ts';

const EXPORT = '/api/v1/admin/audit-events/export';
const AUDIT = '/api/v1/admin/audit-events';
const BASE = '/api/v1/backend-services';
const HEADER = [
  'id',
  'created_at',
  'service_id',
  'service_name',
  'action',
  'from_status',
  'to_status',
  'service_status',
  'actor_email',
  'actor_name',
  'detail',
];

async function exportCsv(admin: TestUser, query: string): Promise<{ text: string; rows: string[][] }> {
  const response = await admin.request('GET', `${EXPORT}?${query}`);
  if (response.statusCode !== 200) throw new Error(`export failed: ${response.statusCode} ${response.body}`);
  const [header, ...rows] = parseCsv(response.body);
  if (JSON.stringify(header) !== JSON.stringify(HEADER)) throw new Error(`unexpected header ${header}`);
  return { text: response.body, rows };
}

async function listed(admin: TestUser, query: string): Promise<EventView[]> {
  const response = await admin.request('GET', `${AUDIT}?limit=100&${query}`);
  if (response.statusCode !== 200) throw new Error(`audit events failed: ${response.statusCode} ${response.body}`);
  return response.json().items as EventView[];
}

/** An event as the export writes it (before formula protection and quoting, which the parser has undone). */
const asRow = (e: EventView) => [
  e.id,
  e.createdAt,
  e.serviceId,
  e.serviceName,
  e.action,
  e.fromStatus ?? '',
  e.toStatus ?? '',
  e.serviceStatus ?? '',
  e.actor?.email ?? '',
  e.actor?.name ?? '',
  JSON.stringify(e.detail),
];

t.test('exports the events matching the filters as a CSV download, newest first', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const approved = await serviceInStatus(dev, admin, 'active');
  const rejected = await serviceInStatus(dev, admin, 'rejected');

  const day = () => new Date().toISOString().slice(0, 10);
  const before = day();
  const response = await admin.request('GET', `${EXPORT}?serviceId=${approved.id}`);
  const after = day();
  t.equal(response.statusCode, 200);
  t.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
  t.equal(response.headers['cache-control'], 'no-store');
  t.ok(
    [before, after].some(
      (d) => response.headers['content-disposition'] === `attachment; filename="audit-events-${d}.csv"`,
    ),
    `named after the UTC date: ${response.headers['content-disposition']}`,
  );
  const [header, ...rows] = parseCsv(response.body);
  t.same(header, HEADER);
  t.same(
    rows.map((r) => [r[4], r[5], r[6], r[7], r[8]]),
    [
      ['approve', 'under_review', 'active', 'active', admin.email],
      ['submit', 'draft', 'under_review', 'under_review', dev.email],
      ['create', '', 'draft', 'draft', dev.email],
    ],
  );
  t.same(
    rows,
    (await listed(admin, `serviceId=${approved.id}`)).map(asRow),
    'the same events as the list, field by field',
  );

  const byAdmin = await exportCsv(admin, `actorId=${admin.id}`);
  t.same(
    byAdmin.rows.map((r) => [r[2], r[4], r[10]]),
    [
      [rejected.id, 'reject', '{"reason":"not this time"}'],
      [approved.id, 'approve', '{"productionSecret":"issued"}'],
    ],
  );
  const submits = await exportCsv(admin, `actorId=${dev.id}&action=submit`);
  t.same(
    submits.rows.map((r) => r[2]),
    [rejected.id, approved.id],
  );
  const combined = await exportCsv(admin, `serviceId=${rejected.id}&action=approve`);
  t.same(combined.rows, [], 'filters combine');
  const none = await exportCsv(admin, `serviceId=${randomUUID()}`);
  t.equal(none.text, `${HEADER.join(',')}\r\n`, 'no events: the header alone');
});

t.test('exports an action that kept the status with empty from and to and the status it kept', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await createService(dev, { description: 'old' });
  const edited = await dev.request('PATCH', `${BASE}/${service.id}`, { description: 'new' }, { 'if-match': '"1"' });
  t.equal(edited.statusCode, 200);
  t.equal(
    (await dev.request('POST', `${BASE}/${service.id}/rotate-secret`, { environment: 'sandbox' })).statusCode,
    200,
  );

  const { rows } = await exportCsv(admin, `serviceId=${service.id}`);
  t.same(
    rows.map((r) => [r[4], r[5], r[6], r[7]]),
    [
      ['rotate_secret', '', '', 'draft'],
      ['edit', '', '', 'draft'],
      ['create', '', 'draft', 'draft'],
    ],
  );
  t.same(JSON.parse(rows[1]?.[10] ?? ''), {
    changed: ['description'],
    changes: { description: { from: 'old', to: 'new' } },
  });
  t.same(rows, (await listed(admin, `serviceId=${service.id}`)).map(asRow), 'as listed');
});

t.test('quotes fields and neutralises formulas, so a spreadsheet shows every cell as text', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin', '@admin, "the reviewer"');
  const dev = await createUser(app, 'developer', '-dev');
  const name = '=HYPERLINK("https://evil.example/?q=1","Open"), then\nmore';
  const service = await serviceInStatus(dev, admin, 'under_review', { name });
  const reason = '=HYPERLINK("https://evil.example","click"), said "no"\nsecond line';
  const rejected = await admin.request('POST', `/api/v1/admin/backend-services/${service.id}/reject`, { reason });
  t.equal(rejected.statusCode, 200);

  const { text, rows } = await exportCsv(admin, `serviceId=${service.id}`);
  t.ok(text.includes(`"'=HYPERLINK(""https://evil.example/?q=1"",""Open""), then\nmore"`), 'the name, quoted');
  t.ok(text.includes(`,"'@admin, ""the reviewer""",`), "the admin's name, quoted with a leading '");
  t.ok(text.includes(",'-dev,"), "the developer's name with a leading ', needing no quotes");
  const reject = rows[0] ?? [];
  t.equal(reject[4], 'reject');
  t.equal(reject[3], `'${name}`, 'the name reads back whole, as text');
  t.equal(reject[9], `'@admin, "the reviewer"`);
  t.same(JSON.parse(reject[10] ?? ''), { reason }, 'detail is the JSON of the event, reason and all');
  t.equal(reject[10], JSON.stringify({ reason }), 'compact JSON');
  // parseCsv refuses a record that does not end with CRLF and a line break outside quotes, so reading it back at
  // all shows the bare LFs of the name are inside quoted fields.
  t.same(
    rows.map((r) => r[4]),
    ['reject', 'submit', 'create'],
  );
});

t.test('writes a formula character at the start of any field as text', async (t) => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    const field = csvField(`${start}1+1`);
    t.ok(field === `'${start}1+1` || field === `"'${start}1+1"`, JSON.stringify(field));
  }
  t.equal(csvField('a=1'), 'a=1', 'only the first character matters');
  t.equal(csvField('plain'), 'plain');
  t.equal(csvField(''), '');
  t.equal(csvField('a,b'), '"a,b"');
  t.equal(csvField('say "hi"'), '"say ""hi"""');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(csvField('cr\ronly'), '"cr\ronly"');
  t.equal(csvField('\r\n'), `"'\r\n"`);
});

t.test('reads a long export in batches, each event exactly once and in order', async (t) => {
  const app = await buildTestApp(t, {}, { auditExportBatchSize: 2 });
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await createService(dev);
  const steps = ['submit', 'withdraw', 'submit', 'withdraw', 'submit', 'withdraw'];
  // 1 to 7 events: fewer than a batch, exactly one, one and a bit, exactly two, ...
  for (let count = 1; ; count++) {
    const { rows } = await exportCsv(admin, `serviceId=${service.id}`);
    t.equal(rows.length, count, `${count} events`);
    t.same(rows, (await listed(admin, `serviceId=${service.id}`)).map(asRow), `${count} events, as listed`);
    const step = steps[count - 1];
    if (!step) break;
    t.equal((await dev.request('POST', `${BASE}/${service.id}/${step}`)).statusCode, 200);
  }
  const ids = (await exportCsv(admin, `serviceId=${service.id}`)).rows.map((r) => r[0]);
  t.equal(new Set(ids).size, 7, 'no event twice');
});

t.test('streams the export over HTTP without a content length', async (t) => {
  const app = await buildTestApp(t, {}, { auditExportBatchSize: 2 });
  const admin = await createUser(app, 'admin');
  const dev = await createUser(app);
  const service = await serviceInStatus(dev, admin, 'active');
  const http = await listen(app);
  const response = await http.send(admin.token, 'GET', `${EXPORT}?serviceId=${service.id}`);
  t.equal(response.statusCode, 200);
  t.equal(response.headers['transfer-encoding'], 'chunked');
  t.notOk(response.headers['content-length']);
  t.equal(parseCsv(response.body).length, 4, 'header and three events');
});

t.test('refuses the export to a developer with 403 and without a token with 401', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  await createService(dev);
  expectProblem(t, await dev.request('GET', EXPORT), 403, 'forbidden');
  expectProblem(t, await dev.request('GET', `${EXPORT}?actorId=${dev.id}`), 403, 'forbidden');
  expectProblem(t, await app.inject({ method: 'GET', url: EXPORT }), 401, 'unauthenticated');
});

t.test('refuses bad export filters with 400', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  for (const [query, path] of [
    ['action=teleport', '/querystring/action'],
    ['serviceId=abc', '/querystring/serviceId'],
    ['actorId=abc', '/querystring/actorId'],
    ['limit=10', '/querystring/limit'],
    ['cursor=abc', '/querystring/cursor'],
    [`actorId=${encodeURIComponent('a\u0000b')}`, '/querystring/actorId'],
  ] as const) {
    const problem = expectProblem(t, await admin.request('GET', `${EXPORT}?${query}`), 400, 'validation_failed');
    t.same(errorPaths(problem), [path], query);
  }
});
