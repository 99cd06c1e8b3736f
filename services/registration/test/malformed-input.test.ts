import fc from 'fast-check';
import t from 'tap';
import { buildTestApp, createService, createUser, serviceInput } from './helpers/app.ts';
import { errorPaths, expectProblem, type ResponseLike } from './helpers/problem.ts';
import { fetchService, type ServiceView } from './helpers/services.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';
const AUDIT = '/api/v1/admin/audit-events';
const QUEUE = '/api/v1/admin/review-queue';
const TOKENS = '/api/v1/api-tokens';
const JSON_TYPE = { 'content-type': 'application/json' };

const cursorOf = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

t.test('refuses a body that is not valid JSON with 400 malformed_request', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  for (const raw of ['{', '{"name":}', "{'name':'x'}", '{"name":"x",}', 'undefined', '{"a":1}{"b":2}']) {
    expectProblem(t, await dev.request('POST', BASE, raw, JSON_TYPE), 400, 'malformed_request');
    expectProblem(
      t,
      await dev.request('PATCH', `${BASE}/${service.id}`, raw, { ...JSON_TYPE, 'if-match': '"1"' }),
      400,
      'malformed_request',
    );
  }
  expectProblem(t, await dev.request('POST', BASE, '', JSON_TYPE), 400, 'malformed_request');
  t.equal((await fetchService(dev, service.id)).version, 1);
});

t.test('refuses a prototype-poisoning body with 400', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const raw = JSON.stringify(serviceInput()).replace('{', '{"__proto__":{"status":"active"},');
  expectProblem(t, await dev.request('POST', BASE, raw, JSON_TYPE), 400, 'malformed_request');
});

t.test('refuses a body that is not JSON with 415', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  for (const contentType of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/form-data',
  ]) {
    const body = 'name=x';
    expectProblem(
      t,
      await dev.request('POST', BASE, body, { 'content-type': contentType }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      t,
      await dev.request('PATCH', `${BASE}/${service.id}`, body, { 'content-type': contentType, 'if-match': '"1"' }),
      415,
      'unsupported_media_type',
    );
  }
});

t.test('refuses a body over 256 KiB with 413', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const big = JSON.stringify(serviceInput({ description: 'x'.repeat(256 * 1024) }));
  expectProblem(t, await dev.request('POST', BASE, big, JSON_TYPE), 413, 'payload_too_large');
  expectProblem(t, await dev.request('POST', TOKENS, big, JSON_TYPE), 413, 'payload_too_large');
  t.same((await dev.request('GET', BASE)).json().items, [], 'nothing was created');
});

t.test('refuses JSON arrays, strings, numbers and null as the body with 400', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  for (const raw of ['[]', JSON.stringify([serviceInput()]), '"a service"', '42', 'true', 'null']) {
    const created = await dev.request('POST', BASE, raw, JSON_TYPE);
    t.same(errorPaths(expectProblem(t, created, 400, 'validation_failed')), ['/body'], `POST ${raw.slice(0, 20)}`);
    const patched = await dev.request('PATCH', `${BASE}/${service.id}`, raw, { ...JSON_TYPE, 'if-match': '"1"' });
    t.same(errorPaths(expectProblem(t, patched, 400, 'validation_failed')), ['/body'], `PATCH ${raw.slice(0, 20)}`);
  }
});

t.test('refuses unknown properties, naming each', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const created = await dev.request('POST', BASE, serviceInput({ clientSecret: 'mine', status: 'active' }));
  t.same(errorPaths(expectProblem(t, created, 400, 'validation_failed')), ['/body/clientSecret', '/body/status']);
  const patched = await dev.request(
    'PATCH',
    `${BASE}/${service.id}`,
    { name: 'ok', version: 7, ownerId: dev.id },
    { 'if-match': '"1"' },
  );
  t.same(errorPaths(expectProblem(t, patched, 400, 'validation_failed')), ['/body/ownerId', '/body/version']);
  t.match(await fetchService(dev, service.id), { name: service.name, version: 1 });
});

t.test('does not coerce JSON body values to the schema types', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const cases: [Record<string, unknown>, string][] = [
    [serviceInput({ name: 123 }), '/body/name'],
    [serviceInput({ scopes: 'system/Patient.rs' }), '/body/scopes'],
    [serviceInput({ description: false }), '/body/description'],
  ];
  for (const [body, path] of cases) {
    const problem = expectProblem(t, await dev.request('POST', BASE, body), 400, 'validation_failed');
    t.ok(errorPaths(problem).includes(path), `${path} is named`);
  }
  const list = await dev.request('GET', `${BASE}?limit=1`);
  t.equal(list.statusCode, 200, 'query strings are still read as numbers');
});

t.test('refuses an id that is not a uuid in the path with 400', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  for (const id of ['123', 'not-a-uuid', '01a20538-6bf4-750f-9a3c-abd6e875755', "1' or '1'='1"]) {
    const encoded = encodeURIComponent(id);
    const attempts: [typeof dev, string, string, unknown?, Record<string, string>?][] = [
      [dev, 'GET', `${BASE}/${encoded}`],
      [dev, 'PATCH', `${BASE}/${encoded}`, { name: 'x' }, { 'if-match': '"1"' }],
      [dev, 'DELETE', `${BASE}/${encoded}`],
      [dev, 'POST', `${BASE}/${encoded}/submit`],
      [dev, 'POST', `${BASE}/${encoded}/withdraw`],
      [dev, 'GET', `${BASE}/${encoded}/events`],
      [admin, 'GET', `${ADMIN}/${encoded}`],
      [admin, 'POST', `${ADMIN}/${encoded}/approve`, {}],
      [admin, 'POST', `${ADMIN}/${encoded}/reject`, { reason: 'x' }],
      [dev, 'DELETE', `${TOKENS}/${encoded}`],
    ];
    for (const [user, method, url, body, headers] of attempts) {
      const problem = expectProblem(t, await user.request(method, url, body, headers), 400, 'validation_failed');
      t.same(errorPaths(problem), ['/params/id'], `${method} ${url}`);
    }
  }
});

t.test('refuses bad paging parameters with 400 on every list', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  const lists: [typeof dev, string][] = [
    [dev, BASE],
    [dev, TOKENS],
    [dev, `${BASE}/${service.id}/events`],
    [admin, ADMIN],
    [admin, AUDIT],
    [admin, QUEUE],
  ];
  for (const [user, url] of lists) {
    for (const [query, path] of [
      ['limit=0', '/querystring/limit'],
      ['limit=101', '/querystring/limit'],
      ['limit=abc', '/querystring/limit'],
      ['limit=-1', '/querystring/limit'],
      ['limit=1.5', '/querystring/limit'],
      ['cursor=', '/querystring/cursor'],
      [`cursor=${'a'.repeat(201)}`, '/querystring/cursor'],
      ['offset=20', '/querystring/offset'],
    ] as const) {
      const problem = expectProblem(t, await user.request('GET', `${url}?${query}`), 400, 'validation_failed');
      t.same(errorPaths(problem), [path], `${url}?${query.slice(0, 20)}`);
    }
    for (const cursor of ['garbage', cursorOf('not a key'), cursorOf('1; drop table users')]) {
      const problem = expectProblem(t, await user.request('GET', `${url}?cursor=${cursor}`), 400, 'invalid_cursor');
      t.same(errorPaths(problem), ['/querystring/cursor']);
    }
    const ok = await user.request('GET', `${url}?limit=100`);
    t.equal(ok.statusCode, 200, `${url}?limit=100 is fine`);
  }
});

t.test('refuses a cursor for a key beyond any id with 400, not a failure', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  for (const key of ['9999999999999999999', '9223372036854775808', '18446744073709551616']) {
    expectProblem(t, await admin.request('GET', `${AUDIT}?cursor=${cursorOf(key)}`), 400, 'invalid_cursor');
    expectProblem(
      t,
      await dev.request('GET', `${BASE}/${service.id}/events?cursor=${cursorOf(key)}`),
      400,
      'invalid_cursor',
    );
  }
  const largest = await admin.request('GET', `${AUDIT}?limit=1&cursor=${cursorOf('999999999999999999')}`);
  t.equal(largest.statusCode, 200, 'a large key within range is a valid cursor');
  t.equal(largest.json().items.length, 1);
});

t.test('refuses a malformed If-Match with 400 saying what it must be', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const malformed = [
    ...['abc', '"abc"', '"-1"', '"1.0"', '1234567890', `"${'1'.repeat(200)}"`],
    // Unquoted, padded, with spaces inside the quotes, empty, or not a list of entity tags (RFC 9110 §8.8.3, §13.1.1).
    ...['1', '"01"', '" 1"', '"1 "', '', ' ', '""', '"1" "2"', '*, "1"', 'W/1', 'w/"1"', 'W/"01"', '"1', ','],
  ];
  for (const ifMatch of malformed) {
    const response = await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'x' }, { 'if-match': ifMatch });
    const problem = expectProblem(t, response, 400, 'validation_failed');
    t.same(errorPaths(problem), ['/headers/if-match'], `If-Match: ${ifMatch.slice(0, 20)}`);
  }
  const problem = expectProblem(
    t,
    await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'x' }, { 'if-match': '1' }),
    400,
    'validation_failed',
  );
  t.match(problem.errors?.[0]?.message, /"3".*quoted/, 'the message shows the form to send');
  t.equal((await fetchService(dev, service.id)).version, 1);
});

t.test('refuses an empty or overlong Idempotency-Key with 400', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const key of ['', 'k'.repeat(256)]) {
    const response = await dev.request('POST', BASE, serviceInput(), { 'idempotency-key': key });
    t.same(errorPaths(expectProblem(t, response, 400, 'validation_failed')), ['/headers/idempotency-key']);
  }
  const longest = await dev.request('POST', BASE, serviceInput(), { 'idempotency-key': 'k'.repeat(255) });
  t.equal(longest.statusCode, 201);
  t.equal((await dev.request('GET', BASE)).json().items.length, 1);
});

t.test('refuses text the database cannot store with 400 naming the field', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const nul = 'a\u0000b';
  const lone = 'a\ud800b';
  const service = await createService(dev);

  const attempts: [typeof dev, string, string, unknown, string, Record<string, string>?][] = [
    [dev, 'POST', BASE, serviceInput({ name: nul }), '/body/name'],
    [dev, 'POST', BASE, serviceInput({ description: lone }), '/body/description'],
    [dev, 'POST', BASE, serviceInput({ scopes: ['system/Patient.rs', `system/Patient.rs${nul}`] }), '/body/scopes/1'],
    [dev, 'PATCH', `${BASE}/${service.id}`, { description: nul }, '/body/description', { 'if-match': '"1"' }],
    [dev, 'POST', TOKENS, { name: nul }, '/body/name'],
    [admin, 'GET', `${ADMIN}?q=${encodeURIComponent(nul)}`, undefined, '/querystring/q'],
  ];
  for (const [user, method, url, body, path, headers] of attempts) {
    const problem = expectProblem(t, await user.request(method, url, body, headers), 400, 'validation_failed');
    t.same(errorPaths(problem), [path], `${method} ${url} ${path}`);
  }

  await dev.request('POST', `${BASE}/${service.id}/submit`);
  for (const [action, body, path] of [
    ['approve', { note: nul }, '/body/note'],
    ['approve', { note: lone }, '/body/note'],
    ['reject', { reason: lone }, '/body/reason'],
  ] as const) {
    const response = await admin.request('POST', `${ADMIN}/${service.id}/${action}`, body);
    t.same(errorPaths(expectProblem(t, response, 400, 'validation_failed')), [path], `${action} ${path}`);
  }
  t.equal((await fetchService(dev, service.id)).status, 'under_review', 'no decision was taken');
  t.equal((await dev.request('GET', BASE)).json().items.length, 1, 'nothing else was created');

  const emoji = await dev.request('POST', BASE, serviceInput({ name: 'Export 🚀 ünïcode' }));
  t.equal(emoji.statusCode, 201, 'well-formed Unicode beyond the BMP is fine');
  t.equal(emoji.json().name, 'Export 🚀 ünïcode');
});

t.test('refuses invisible text-direction characters in names, descriptions, notes and reasons', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  // U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates) can make text read differently from what it is.
  const controls = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
  for (const control of controls) {
    const text = `invoice${control}fdp.exe`;
    const attempts: [typeof dev, string, string, unknown, string, Record<string, string>?][] = [
      [dev, 'POST', BASE, serviceInput({ name: text }), '/body/name'],
      [dev, 'POST', BASE, serviceInput({ description: text }), '/body/description'],
      [dev, 'PATCH', `${BASE}/${service.id}`, { name: text }, '/body/name', { 'if-match': '"1"' }],
      [dev, 'PATCH', `${BASE}/${service.id}`, { description: text }, '/body/description', { 'if-match': '"1"' }],
      [dev, 'POST', TOKENS, { name: text }, '/body/name'],
    ];
    for (const [user, method, url, body, path, headers] of attempts) {
      const problem = expectProblem(t, await user.request(method, url, body, headers), 400, 'validation_failed');
      t.same(problem.errors, [{ path, message: 'must not contain invisible text-direction characters' }], path);
    }
  }
  await dev.request('POST', `${BASE}/${service.id}/submit`);
  for (const [action, body, path] of [
    ['approve', { note: 'ok\u202e' }, '/body/note'],
    ['reject', { reason: 'no\u2067' }, '/body/reason'],
  ] as const) {
    const response = await admin.request('POST', `${ADMIN}/${service.id}/${action}`, body);
    t.same(errorPaths(expectProblem(t, response, 400, 'validation_failed')), [path], `${action} ${path}`);
  }
  t.equal((await fetchService(dev, service.id)).status, 'under_review', 'no decision was taken');
  t.equal((await dev.request('GET', BASE)).json().items.length, 1, 'nothing else was created');

  const marks = await dev.request('POST', BASE, serviceInput({ name: 'שירות \u200fנתונים\u200e (v2)' }));
  t.equal(marks.statusCode, 201, 'right-to-left text and the LRM/RLM marks are fine');
});

/** A response never fails on our side, and every refusal is a complete problem. */
function assertWellBehaved(response: ResponseLike & { body: string }, what: string): void {
  if (response.statusCode >= 500) throw new Error(`${what} answered ${response.statusCode}: ${response.body}`);
  if (response.statusCode < 400) return;
  const contentType = String(response.headers['content-type']);
  if (!contentType.startsWith('application/problem+json')) throw new Error(`${what}: ${contentType} for an error`);
  const problem = response.json() as Record<string, unknown>;
  for (const member of ['type', 'title', 'code']) {
    if (typeof problem[member] !== 'string') throw new Error(`${what}: problem without ${member}: ${response.body}`);
  }
  if (problem.status !== response.statusCode) throw new Error(`${what}: problem status differs: ${response.body}`);
}

// Text that tends to break things: control characters, NUL, lone surrogates, LIKE and SQL syntax, long strings.
const nastyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc
    .tuple(fc.string(), fc.constantFrom('\u0000', '\u0001', '\ud800', '\udc00', '\u202e', '\ufeff'), fc.string())
    .map(([before, odd, after]) => `${before}${odd}${after}`),
  fc.constantFrom('', ' ', "' or 1=1 --", '%_\\', 'x'.repeat(3000)),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });

/**
 * One or two members of `fields`. Changing only a few members of an otherwise valid request gets odd values past the
 * schema and into the code behind it, where a request with every member wrong would stop at validation.
 */
function someOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .subarray(Object.entries(fields), { minLength: 1, maxLength: 2 })
    .chain((chosen) => fc.record(Object.fromEntries(chosen)));
}

const scope = fc.oneof(
  fc.constantFrom(
    'system/Patient.rs',
    'system/*.read',
    'system/*.cruds',
    'system/Observation.*',
    'system/Patient.sr',
    'patient/Patient.r',
    'system/Patient.rs?category=x',
    'system/NotAType.r',
  ),
  nastyText,
);
const serviceFields = {
  name: fc.oneof(nastyText, anyJson),
  description: fc.oneof(nastyText, anyJson, fc.constant(null)),
  authMethod: fc.oneof(fc.constantFrom('jwks_uri', 'client_secret'), nastyText, anyJson),
  jwksUri: fc.oneof(
    fc.constantFrom('https://keys.example/jwks.json', 'http://127.0.0.1/jwks', 'javascript:alert(1)', 'https://'),
    fc.webUrl(),
    nastyText,
    fc.constant(null),
  ),
  scopeVersion: fc.oneof(fc.constantFrom('v1', 'v2'), nastyText, anyJson),
  scopes: fc.oneof(fc.array(scope, { maxLength: 6 }), anyJson),
  organizationId: fc.oneof(fc.constantFrom('org-1', 'a.b-c', '../x'), nastyText, fc.constant(null)),
  status: anyJson,
  clientId: anyJson,
};
const VALID_SERVICE = {
  name: 'Fuzzed',
  authMethod: 'client_secret',
  scopeVersion: 'v2',
  scopes: ['system/Patient.rs'],
};
const serviceBody = fc.oneof(
  anyJson,
  fc.record(serviceFields, { requiredKeys: [] }),
  someOf(serviceFields).map((changes) => ({ ...VALID_SERVICE, ...changes })),
);

t.test('random bodies to POST /backend-services never cause a 5xx', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  await fc.assert(
    fc.asyncProperty(serviceBody, fc.option(fc.string({ minLength: 1, maxLength: 40 })), async (body, key) => {
      const headers: Record<string, string> = { ...JSON_TYPE, ...(key !== null && { 'idempotency-key': key }) };
      assertWellBehaved(await dev.request('POST', BASE, JSON.stringify(body), headers), `POST ${JSON.stringify(body)}`);
    }),
    { numRuns: 300 },
  );
  t.pass('no 5xx, every refusal a problem');
});

t.test('random bodies and If-Match values to PATCH never cause a 5xx', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const ifMatch = fc.oneof(
    { weight: 4, arbitrary: fc.constant('current') },
    fc.string({ maxLength: 20 }),
    fc.nat().map(String),
  );
  const patchBody = fc.oneof(someOf(serviceFields), serviceBody);
  await fc.assert(
    fc.asyncProperty(patchBody, ifMatch, async (body, version) => {
      const current = (await dev.request('GET', `${BASE}/${service.id}`)).json() as ServiceView;
      const headers = { ...JSON_TYPE, 'if-match': version === 'current' ? `"${current.version}"` : version };
      const response = await dev.request('PATCH', `${BASE}/${service.id}`, JSON.stringify(body), headers);
      assertWellBehaved(response, `PATCH ${JSON.stringify(body)} If-Match ${headers['if-match']}`);
    }),
    { numRuns: 300 },
  );
  t.equal((await fetchService(dev, service.id)).status, 'draft');
});

t.test('random query strings on every list never cause a 5xx', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  const digits = fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 20n }),
    fc.bigInt({ min: 2n ** 63n - 10n, max: 2n ** 63n + 10n }),
    fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n }),
    fc.bigInt({ min: 0n, max: 2n ** 31n }),
  );
  // Review queue keys (`<timestamp>|<uuid>`), mostly with fields out of range: 13th months, 24th hours, year 0.
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const timestampKey = fc
    .tuple(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999_999 }),
      fc.uuid(),
    )
    .map(
      ([y, mo, d, h, mi, sec, us, id]) =>
        `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(sec, 2)}.${pad(us, 6)}Z|${id}`,
    );
  const cursor = fc.oneof(
    nastyText,
    digits.map((n) => cursorOf(String(n))),
    fc.uuid().map(cursorOf),
    nastyText.map(cursorOf),
    timestampKey.map(cursorOf),
  );
  const value = fc.oneof(nastyText, fc.integer().map(String), fc.uuid(), fc.constantFrom('draft', 'approve', 'active'));
  const limit = fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), nastyText);
  const page = { limit, cursor, unknown: value };
  const lists: { as: 'admin' | 'developer'; url: string; fields: Record<string, fc.Arbitrary<string>> }[] = [
    { as: 'developer', url: BASE, fields: { ...page, status: value } },
    { as: 'developer', url: TOKENS, fields: page },
    { as: 'developer', url: `${BASE}/${service.id}/events`, fields: page },
    { as: 'admin', url: ADMIN, fields: { ...page, status: value, q: value } },
    { as: 'admin', url: AUDIT, fields: { ...page, serviceId: value, actorId: value, action: value } },
    { as: 'admin', url: QUEUE, fields: page },
    {
      as: 'admin',
      url: `${AUDIT}/export`,
      fields: { serviceId: value, actorId: value, action: value, unknown: value },
    },
  ];
  const request = fc.oneof(
    ...lists.map(({ as, url, fields }) =>
      fc
        .oneof(someOf(fields), fc.record(fields, { requiredKeys: [] }))
        .map((params) => ({ as, url: `${url}?${new URLSearchParams(params as Record<string, string>)}` })),
    ),
  );
  await fc.assert(
    fc.asyncProperty(request, async ({ as, url }) => {
      const user = as === 'admin' ? admin : dev;
      assertWellBehaved(await user.request('GET', url), `GET ${url} as ${as}`);
    }),
    { numRuns: 300 },
  );
  t.pass('no 5xx, every refusal a problem');
});
