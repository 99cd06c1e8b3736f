// HTTP as the RFCs and browsers expect it: every error a problem with the request id, 405 with Allow, nosniff and
// no-store, bodies refused when they are not UTF-8 JSON, and body-less actions that accept an empty JSON body.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { buildTestApp, createService, createUser, type TestUser } from './helpers/app.ts';
import { listen } from './helpers/http.ts';
import { errorPaths, expectProblem, type ResponseLike } from './helpers/problem.ts';
import { fetchService, serviceInStatus } from './helpers/services.ts';
import { browserSession } from './helpers/session.ts';

const BASE = '/api/v1/backend-services';
const ADMIN = '/api/v1/admin/backend-services';
const TOKENS = '/api/v1/api-tokens';
const JSON_TYPE = { 'content-type': 'application/json' };

/** A built SPA as Vite leaves it: index.html and one hashed asset. */
async function fakeSpaBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'payerbox-http-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>spa</title>\n');
  await writeFile(join(dir, 'assets', 'app-abc.js'), 'console.log("spa");\n');
  return dir;
}
const spaDir = await fakeSpaBuild();
const WITH_SPAS = { DEVELOPER_APP_DIR: spaDir, ADMIN_APP_DIR: spaDir };

/** Sends raw bytes on a loopback connection and answers the response as the server wrote it. */
function rawExchange(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
    socket.write(request);
  });
}

function headerOf(head: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'm').exec(head)?.[1];
}

t.test('answers a path with bad percent-encoding with a 400 problem carrying the request id', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (const path of [`${BASE}/%zz`, `${BASE}/%E0%A4%A`, `${BASE}/%C0%80/events`]) {
    const response = await dev.request('GET', path, undefined, { 'x-request-id': 'client-chosen-1' });
    const problem = expectProblem(t, response, 400, 'malformed_request');
    t.equal(problem.requestId, 'client-chosen-1', `${path} keeps the client's request id`);
  }
});

t.test('refuses an id longer than any uuid as the invalid parameter it is', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const long = 'a'.repeat(150);
  const attempts: [TestUser, string, string][] = [
    [dev, 'GET', `${BASE}/${long}`],
    [dev, 'GET', `${BASE}/${long}/events`],
    [dev, 'POST', `${BASE}/${long}/submit`],
    [dev, 'DELETE', `${BASE}/${long}`],
    [admin, 'GET', `${ADMIN}/${long}`],
  ];
  for (const [user, method, url] of attempts) {
    const problem = expectProblem(t, await user.request(method, url), 400, 'validation_failed');
    t.same(errorPaths(problem), ['/params/id'], `${method} ${url.slice(0, 40)}`);
  }
});

t.test('answers an absurdly long path segment with 414, or 404 where the SPAs own the rest of the paths', async (t) => {
  const absurd = `${BASE}/${'a'.repeat(2000)}`;
  const api = await buildTestApp(t);
  const dev = await createUser(api);
  expectProblem(t, await dev.request('GET', absurd), 414, 'uri_too_long');
  expectProblem(t, await dev.request('PATCH', absurd, { name: 'x' }, { 'if-match': '"1"' }), 414, 'uri_too_long');
  const hosting = await buildTestApp(t, WITH_SPAS);
  const other = await createUser(hosting);
  expectProblem(t, await other.request('GET', absurd), 404, 'route_not_found');
});

t.test('answers //api and other non-canonical paths with 404, with and without the SPAs', async (t) => {
  for (const env of [{}, WITH_SPAS]) {
    const app = await buildTestApp(t, env);
    const dev = await createUser(app);
    for (const path of [
      '//api/v1/backend-services',
      '/api//v1/backend-services',
      '//api/health',
      '//assets/app-abc.js',
    ]) {
      for (const accept of ['application/json', 'text/html']) {
        const response = await dev.request('GET', path, undefined, { accept });
        expectProblem(t, response, 404, 'route_not_found');
      }
    }
  }
});

t.test('answers the refusals of static files with the code of their status', async (t) => {
  const app = await buildTestApp(t, WITH_SPAS);
  const asset = '/assets/app-abc.js';
  const range = await app.inject({ method: 'GET', url: asset, headers: { range: 'bytes=100000-' } });
  expectProblem(t, range, 416, 'range_not_satisfiable');
  const stale = await app.inject({ method: 'GET', url: asset, headers: { 'if-match': '"not-this-file"' } });
  expectProblem(t, stale, 412, 'precondition_failed');
});

t.test('answers a request that is not HTTP, or whose headers are too large, with a problem', async (t) => {
  const app = await buildTestApp(t);
  const { baseUrl } = await listen(app);
  const port = Number(new URL(baseUrl).port);
  const cases: [string, number, string][] = [
    ['NOT HTTP AT ALL\r\n\r\n', 400, 'malformed_request'],
    ['GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n', 400, 'malformed_request'],
    [`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 431, 'header_fields_too_large'],
  ];
  for (const [request, status, code] of cases) {
    const response = await rawExchange(port, request);
    t.equal(response.status, status, `answers ${status} ${code}`);
    t.equal(headerOf(response.headers, 'content-type'), 'application/problem+json');
    t.equal(headerOf(response.headers, 'x-content-type-options'), 'nosniff');
    const problem = JSON.parse(response.body) as Record<string, unknown>;
    t.match(problem, { status, code, type: `urn:payerbox:problem:${code}` });
    t.equal(problem.requestId, headerOf(response.headers, 'x-request-id'), 'with a request id in body and header');
  }
});

/** The app's JSON log lines as they are written, and a way to wait for one. */
function logLines() {
  const waiters: { matches: (line: Record<string, any>) => boolean; resolve: () => void }[] = [];
  return {
    write(text: string) {
      const line = JSON.parse(text) as Record<string, any>;
      for (const waiter of waiters.filter((w) => w.matches(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    next(matches: (line: Record<string, any>) => boolean): Promise<void> {
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
  };
}

/** Reads HTTP/1.1 responses with a Content-Length off a socket until the server closes it. */
function responsesOf(socket: ReturnType<typeof connect>): Promise<{ status: number; headers: string; body: string }[]> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const responses = [];
      while (received.length > 0) {
        const end = received.indexOf('\r\n\r\n');
        const head = received.slice(0, end).toLowerCase();
        const length = Number(headerOf(head, 'content-length') ?? 0);
        responses.push({
          status: Number(head.split(' ')[1]),
          headers: head,
          body: received.slice(end + 4, end + 4 + length),
        });
        received = received.slice(end + 4 + length);
      }
      resolve(responses);
    });
  });
}

t.test('refuses a request arriving on an open connection while the server drains with a 503 problem', async (t) => {
  const logs = logLines();
  const app = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logStream: logs });
  const dev = await createUser(app);
  const service = await createService(dev);
  const { baseUrl } = await listen(app);
  // The service's row stays locked, so that an edit of it stays in flight until the test lets it go.
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let markLocked = () => {};
  const locked = new Promise<void>((resolve) => {
    markLocked = resolve;
  });
  const holder = app.db.transaction().execute(async (trx) => {
    await trx.selectFrom('backendServices').select('id').where('id', '=', service.id).forUpdate().execute();
    markLocked();
    await released;
  });
  await locked;

  const socket = connect({ host: '127.0.0.1', port: Number(new URL(baseUrl).port) });
  const responses = responsesOf(socket);
  const body = JSON.stringify({ name: 'in flight' });
  const editArrived = logs.next((line) => line.msg === 'incoming request' && line.req?.method === 'PATCH');
  socket.write(
    `PATCH ${BASE}/${service.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${dev.token}\r\n` +
      `If-Match: "1"\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  await editArrived;
  const draining = logs.next((line) => typeof line.msg === 'string' && line.msg.startsWith('draining'));
  const closed = app.close();
  await draining;
  // Logged as soon as the request is refused (its response waits behind the edit's on the connection); Fastify's own
  // refusal, were it still in place, logs "request aborted".
  const refused = logs.next((line) => line.code === 'shutting_down' || /^request aborted/.test(line.msg ?? ''));
  socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
  await refused;
  release();
  await holder;
  const [edit, late] = await responses;
  await closed;

  t.equal(edit?.status, 200, 'the edit in flight completes');
  t.equal(late?.status, 503, 'the request arriving during the drain is refused');
  t.equal(headerOf(late?.headers ?? '', 'content-type'), 'application/problem+json');
  t.equal(headerOf(late?.headers ?? '', 'connection'), 'close');
  const problem = JSON.parse(late?.body ?? '{}') as Record<string, unknown>;
  t.match(problem, { status: 503, code: 'shutting_down' });
  t.equal(problem.requestId, headerOf(late?.headers ?? '', 'x-request-id'));
});

t.test('answers a method the path does not have with 405 and Allow', async (t) => {
  for (const env of [{}, WITH_SPAS]) {
    const app = await buildTestApp(t, env);
    const dev = await createUser(app);
    const service = await createService(dev);
    const cases: [string, string, string][] = [
      ['PUT', `${BASE}/${service.id}`, 'DELETE, GET, HEAD, PATCH'],
      ['OPTIONS', `${BASE}/${service.id}`, 'DELETE, GET, HEAD, PATCH'],
      ['TRACE', `${BASE}/${service.id}`, 'DELETE, GET, HEAD, PATCH'],
      ['PUT', BASE, 'GET, HEAD, POST'],
      ['DELETE', BASE, 'GET, HEAD, POST'],
      ['GET', `${BASE}/${service.id}/submit`, 'POST'],
      ['PATCH', `${ADMIN}/${service.id}/approve`, 'POST'],
      ['POST', '/api/health', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const response = await dev.request(method, url);
      const problem = expectProblem(t, response, 405, 'method_not_allowed');
      t.equal(response.headers.allow, allow, `${method} ${url}: Allow: ${allow}`);
      t.match(problem.detail, method);
    }
    const anonymous = await app.inject({ method: 'PUT', url: `${BASE}/${service.id}` });
    expectProblem(t, anonymous, 405, 'method_not_allowed');
    t.equal((await fetchService(dev, service.id)).version, 1, 'nothing changed');
  }
});

t.test('keeps 404 for paths that do not exist and HEAD for every GET route', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  for (const [method, url] of [
    ['PUT', '/api/v1/nothing'],
    ['GET', '/api/v1/nothing'],
    ['POST', `${BASE}/${service.id}/nothing`],
  ] as const) {
    expectProblem(t, await dev.request(method, url), 404, 'route_not_found');
  }
  const head = await dev.request('HEAD', `${BASE}/${service.id}`);
  t.equal(head.statusCode, 200);
  t.equal(head.headers.etag, '"1"');
  t.equal(head.body, '', 'HEAD has no body');
});

t.test('sends X-Content-Type-Options: nosniff with every API response', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const draft = await createService(dev);
  const responses: [string, ResponseLike][] = [
    ['health', await app.inject({ method: 'GET', url: '/api/health' })],
    ['read', await dev.request('GET', `${BASE}/${service.id}`)],
    ['create', await dev.request('POST', TOKENS, { name: 'nosniff' })],
    ['delete', await dev.request('DELETE', `${BASE}/${draft.id}`)],
    ['problem', await dev.request('GET', `${BASE}/${randomUuidLike()}`)],
    ['unauthenticated', await app.inject({ method: 'GET', url: BASE })],
    ['openapi', await app.inject({ method: 'GET', url: '/api/openapi.json' })],
  ];
  for (const [what, response] of responses) {
    t.equal(response.headers['x-content-type-options'], 'nosniff', `${what} (${response.statusCode})`);
  }
});

t.test('marks authenticated reads Cache-Control: no-store and leaves other cache headers alone', async (t) => {
  const app = await buildTestApp(t, WITH_SPAS);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  const reads: [TestUser, string][] = [
    [dev, '/api/v1/me'],
    [dev, BASE],
    [dev, `${BASE}/${service.id}`],
    [dev, `${BASE}/${service.id}/events`],
    [dev, TOKENS],
    [dev, '/api/v1/organizations'],
    [admin, ADMIN],
    [admin, '/api/v1/admin/audit-events'],
    [admin, '/api/v1/admin/audit-events/export'],
  ];
  for (const [user, url] of reads) {
    for (const method of ['GET', 'HEAD']) {
      const response = await user.request(method, url);
      t.equal(response.statusCode, 200, `${method} ${url}`);
      t.equal(response.headers['cache-control'], 'no-store', `${method} ${url} is not stored`);
    }
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/health' })).headers['cache-control'], undefined);
  const asset = await dev.request('GET', '/assets/app-abc.js');
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable', 'SPA assets keep their caching');
  t.equal((await dev.request('GET', '/')).headers['cache-control'], 'no-cache', 'the SPA page keeps revalidating');
});

function randomUuidLike(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

t.test('refuses a JSON body declared in a charset other than UTF-8 with 415', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const body = JSON.stringify({ name: 'Zoë' });
  for (const charset of ['iso-8859-1', 'UTF-16', '"latin1"', 'utf-8x', 'us-ascii']) {
    const response = await dev.request('POST', TOKENS, body, {
      'content-type': `application/json; charset=${charset}`,
    });
    const problem = expectProblem(t, response, 415, 'unsupported_media_type');
    t.match(problem.detail, /UTF-8/, `charset=${charset} is refused, saying what is accepted`);
  }
  const utf8 = ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"'];
  // utf8 too: the WHATWG Encoding Standard (browsers) reads that label as UTF-8.
  for (const contentType of [...utf8, 'application/json; charset=utf8']) {
    const response = await dev.request('POST', TOKENS, body, { 'content-type': contentType });
    t.equal(response.statusCode, 201, contentType);
    t.equal(response.json().name, 'Zoë');
  }
  t.equal((await dev.request('GET', TOKENS)).json().items.length, 5, 'only the UTF-8 bodies created tokens');
});

t.test('refuses a body with a Content-Encoding the service does not decode with 415', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const body = JSON.stringify({ name: 'compressed' });
  const cases: [string, string | Buffer][] = [
    ['gzip', gzipSync(body)],
    ['deflate', body],
    ['br', body],
    ['gzip, identity', body],
    ['x-unknown', body],
  ];
  for (const [encoding, payload] of cases) {
    const response = await dev.request('POST', TOKENS, payload, { ...JSON_TYPE, 'content-encoding': encoding });
    expectProblem(t, response, 415, 'unsupported_media_type');
    t.equal(response.headers['accept-encoding'], 'identity', `Content-Encoding: ${encoding} names what is accepted`);
  }
  const identity = await dev.request('POST', TOKENS, body, { ...JSON_TYPE, 'content-encoding': 'identity' });
  t.equal(identity.statusCode, 201, 'identity is no encoding at all');
  t.equal((await dev.request('GET', TOKENS)).json().items.length, 2, 'only the identity body created a token');
});

t.test('accepts Content-Type: application/json with an empty body on actions that take none', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const service = await createService(dev);
  const empty = async (user: TestUser, method: string, url: string) => user.request(method, url, '', JSON_TYPE);
  const steps: [TestUser, string, string, number][] = [
    [dev, 'POST', `${BASE}/${service.id}/submit`, 200],
    [dev, 'POST', `${BASE}/${service.id}/withdraw`, 200],
    [dev, 'POST', `${BASE}/${service.id}/submit`, 200],
    [admin, 'POST', `${ADMIN}/${service.id}/approve`, 200],
    [dev, 'POST', `${BASE}/${service.id}/production-secret`, 200],
    [admin, 'POST', `${ADMIN}/${service.id}/resync`, 202],
  ];
  for (const [user, method, url, status] of steps) {
    const response = await empty(user, method, url);
    t.equal(response.statusCode, status, `${method} ${url}: ${response.body.slice(0, 120)}`);
  }
  t.equal((await fetchService(dev, service.id)).status, 'active');

  const draft = await createService(dev);
  t.equal((await empty(dev, 'DELETE', `${BASE}/${draft.id}`)).statusCode, 204, 'DELETE of a service');
  const token = (await dev.request('POST', TOKENS, { name: 'to revoke' })).json() as { id: string };
  t.equal((await empty(dev, 'DELETE', `${TOKENS}/${token.id}`)).statusCode, 204, 'DELETE of a token');
  expectProblem(t, await empty(admin, 'POST', '/api/v1/admin/organizations/refresh'), 409, 'orgbac_disabled');
  t.equal((await empty(dev, 'POST', '/api/auth/logout')).statusCode, 200, 'sign-out');

  // Over real HTTP, as fetch sends a body-less POST with a JSON content type (Content-Length: 0).
  const other = await createService(dev);
  const http = await listen(app);
  const submitted = await http.send(dev.token, 'POST', `${BASE}/${other.id}/submit`, undefined, JSON_TYPE);
  t.equal(submitted.statusCode, 200, 'submitted over HTTP');
});

t.test('still refuses a malformed JSON body, and bodies that are not JSON, on actions that take none', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const admin = await createUser(app, 'admin');
  const draft = await createService(dev);
  const review = await serviceInStatus(dev, admin, 'under_review');
  for (const raw of ['{', ' ', '{"a":1}{']) {
    expectProblem(t, await dev.request('POST', `${BASE}/${draft.id}/submit`, raw, JSON_TYPE), 400, 'malformed_request');
    const approve = await admin.request('POST', `${ADMIN}/${review.id}/approve`, raw, JSON_TYPE);
    expectProblem(t, approve, 400, 'malformed_request');
  }
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
    const response = await dev.request('POST', `${BASE}/${draft.id}/submit`, '', { 'content-type': contentType });
    expectProblem(t, response, 415, 'unsupported_media_type');
  }
  expectProblem(t, await dev.request('POST', BASE, '', JSON_TYPE), 400, 'malformed_request');
  expectProblem(
    t,
    await admin.request('POST', `${ADMIN}/${review.id}/reject`, '', JSON_TYPE),
    400,
    'malformed_request',
  );
  t.equal((await fetchService(dev, draft.id)).status, 'draft', 'the draft was not submitted');
  t.equal((await fetchService(dev, review.id)).status, 'under_review', 'no decision was taken');
});

t.test('keeps requiring the CSRF token for empty-bodied actions made with the session cookie', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const session = await browserSession(app, dev);
  const submit = `${BASE}/${service.id}/submit`;
  for (const contentType of ['application/json', 'text/plain']) {
    expectProblem(t, await session.send(submit, { 'content-type': contentType }), 403, 'csrf_failed');
  }
  const plain = await session.send(submit, { ...session.portal, 'content-type': 'text/plain' });
  expectProblem(t, plain, 415, 'unsupported_media_type');
  t.equal((await fetchService(dev, service.id)).status, 'draft', 'nothing was submitted');
  const submitted = await session.send(submit, { ...session.portal, ...JSON_TYPE });
  t.equal(submitted.statusCode, 200, 'with the CSRF token and an empty JSON body it is submitted');
});

t.test('compares If-Match strongly: a weak entity tag never matches', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  for (const ifMatch of ['W/"1"', 'W/"1", W/"2"']) {
    const response = await dev.request('PATCH', `${BASE}/${service.id}`, { name: 'weak' }, { 'if-match': ifMatch });
    const problem = expectProblem(t, response, 412, 'version_mismatch');
    t.equal(problem.currentVersion, 1, `If-Match: ${ifMatch}`);
  }
  t.equal((await fetchService(dev, service.id)).name, service.name, 'nothing changed');
});

t.test('accepts an If-Match list when one of its strong entity tags names the current version', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const url = `${BASE}/${service.id}`;
  const first = await dev.request('PATCH', url, { name: 'listed' }, { 'if-match': '"7", "1"' });
  t.equal(first.statusCode, 200);
  t.equal(first.json().version, 2);
  const elements = await dev.request('PATCH', url, { name: 'empty elements' }, { 'if-match': ' ,"2" , ,"9",' });
  t.equal(elements.statusCode, 200, 'empty list elements are ignored (RFC 9110 §5.6.1)');
  expectProblem(t, await dev.request('PATCH', url, { name: 'x' }, { 'if-match': '"1", "2"' }), 412, 'version_mismatch');
  expectProblem(
    t,
    await dev.request('PATCH', url, { name: 'x' }, { 'if-match': 'W/"3", "1"' }),
    412,
    'version_mismatch',
  );
  t.equal((await fetchService(dev, service.id)).version, 3);
});

t.test('edits on If-Match: * whatever the current version is', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  const service = await createService(dev);
  const url = `${BASE}/${service.id}`;
  await dev.request('PATCH', url, { name: 'second' }, { 'if-match': '"1"' });
  const star = await dev.request('PATCH', url, { name: 'third' }, { 'if-match': '*' });
  t.equal(star.statusCode, 200);
  t.match(star.json(), { name: 'third', version: 3 });
  t.equal(star.headers.etag, '"3"');
  const elsewhere = await dev.request('PATCH', `${BASE}/${randomUuidLike()}`, { name: 'x' }, { 'if-match': '*' });
  expectProblem(t, elsewhere, 404, 'not_found');
});
