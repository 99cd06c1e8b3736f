// The OpenAPI document declares every status an operation can answer: each operation is sent the requests that
// every operation of its kind can be refused for (too long an id, a body too large or not JSON, no credentials, a
// cookie change without the CSRF token, a developer on an admin route, too many requests), and each answer's status
// and code must be documented for that very operation.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { OPENAPI_FILE } from '../src/openapi-document.ts';
import { buildTestApp, createUser } from './helpers/app.ts';
import { browserSession } from './helpers/session.ts';

interface Operation {
  operationId: string;
  requestBody?: unknown;
  responses: Record<string, { content?: { 'application/problem+json'?: { examples?: Record<string, unknown> } } }>;
}
const document = JSON.parse(await readFile(OPENAPI_FILE, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const PROBES = new Set(['/api/health', '/api/ready']);
const operations = Object.entries(document.paths)
  .filter(([path]) => !PROBES.has(path))
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
type Entry = (typeof operations)[number];

/** The operation's URL with `{id}` filled in (a fresh id: nothing needs to exist for these refusals). */
const urlOf = (entry: Entry, id: string = randomUUID()) => entry.path.replace('{id}', id);
/** An address of its own per request (IPv6 documentation range), so that no address limit is shared. */
let addresses = 0;
const freshAddress = () => {
  addresses += 1;
  return `2001:db8::${addresses.toString(16)}`;
};

function expectDocumented(t: Test, entry: Entry, response: LightMyRequestResponse, kind: string) {
  const where = `${entry.method} ${entry.path} (${kind})`;
  const status = String(response.statusCode);
  const documented = entry.operation.responses[status];
  t.ok(documented, `${where}: answers ${status}, which is documented`);
  const code = (response.json() as { code?: string }).code ?? '';
  const examples = documented?.content?.['application/problem+json']?.examples ?? {};
  t.ok(code in examples, `${where}: its code ${code} is documented for ${status}`);
}

function send(
  app: FastifyInstance,
  entry: Entry,
  init: { url?: string; headers?: Record<string, string>; payload?: string },
) {
  return app.inject({
    method: entry.method as 'GET',
    url: init.url ?? urlOf(entry),
    remoteAddress: freshAddress(),
    headers: init.headers ?? {},
    ...(init.payload !== undefined && { payload: init.payload }),
  });
}

t.test('an id too long to route is a documented 414', async (t) => {
  const app = await buildTestApp(t);
  for (const entry of operations.filter((e) => e.path.includes('{id}'))) {
    const response = await send(app, entry, { url: urlOf(entry, 'x'.repeat(600)) });
    t.equal(response.statusCode, 414, `${entry.method} ${entry.path}`);
    expectDocumented(t, entry, response, 'long id');
  }
});

t.test('a body that is too large or not JSON is a documented 413 or 415', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app, 'admin');
  const auth = { authorization: `Bearer ${dev.token}` };
  for (const entry of operations.filter((e) => e.operation.requestBody)) {
    const large = await send(app, entry, {
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    t.equal(large.statusCode, 413, `${entry.method} ${entry.path}: too large`);
    expectDocumented(t, entry, large, 'too large');
    const text = await send(app, entry, { headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hello' });
    t.equal(text.statusCode, 415, `${entry.method} ${entry.path}: text/plain`);
    expectDocumented(t, entry, text, 'not JSON');
  }
});

t.test('no credentials, and a developer on an admin route, are documented 401 and 403', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const entry of operations.filter((e) => e.path.startsWith('/api/v1/'))) {
    const anonymous = await send(app, entry, {});
    t.equal(anonymous.statusCode, 401, `${entry.method} ${entry.path}`);
    expectDocumented(t, entry, anonymous, 'no credentials');
    if (entry.path.startsWith('/api/v1/admin/')) {
      const developer = await send(app, entry, { headers: { authorization: `Bearer ${dev.token}` } });
      t.equal(developer.statusCode, 403, `${entry.method} ${entry.path}: as a developer`);
      expectDocumented(t, entry, developer, 'not an admin');
    }
  }
});

t.test('a change made with the session cookie but without the CSRF token is a documented 403', async (t) => {
  const app = await buildTestApp(t);
  const admin = await createUser(app, 'admin');
  const session = await browserSession(app, admin);
  const changes = operations.filter(
    (e) => e.method !== 'GET' && (e.path.startsWith('/api/v1/') || e.path === '/api/auth/logout'),
  );
  t.ok(changes.length > 10, `${changes.length} operations change something`);
  for (const entry of changes) {
    const response = await session.send(urlOf(entry), { 'content-type': 'application/json' }, entry.method);
    t.equal(response.statusCode, 403, `${entry.method} ${entry.path}`);
    expectDocumented(t, entry, response, 'no CSRF token');
  }
});

t.test('too many requests from one address is a documented 429', async (t) => {
  const app = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1' });
  for (const entry of operations) {
    const remoteAddress = freshAddress();
    let response: LightMyRequestResponse | undefined;
    for (let attempt = 0; attempt < 3 && response?.statusCode !== 429; attempt += 1) {
      response = await app.inject({ method: entry.method as 'GET', url: urlOf(entry), remoteAddress });
    }
    if (!response) throw new Error('no request was sent');
    t.equal(response.statusCode, 429, `${entry.method} ${entry.path}`);
    expectDocumented(t, entry, response, 'rate limited');
  }
});
