import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildTestApp, createUser } from './helpers/app.ts';

/** Captures the JSON log lines an app writes. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const secretValue = (label: string) => `${label}${randomBytes(12).toString('hex')}`;

t.test('keeps a sane x-request-id, logs it as reqId and returns it', async (t) => {
  const { lines, stream } = captureLogs();
  const app = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logStream: stream });
  const given = `trace-${randomBytes(6).toString('hex')}.a_b`;
  const ok = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': given } });
  t.equal(ok.headers['x-request-id'], given);
  const refused = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': given } });
  t.equal(refused.statusCode, 401);
  t.equal(refused.headers['x-request-id'], given);
  t.equal(refused.json().requestId, given, 'the problem body carries the same id');
  const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === given);
  t.ok(logged.length >= 2, 'the request lines carry reqId');
});

t.test('replaces an x-request-id that is too long or has odd characters with a UUID', async (t) => {
  const app = await buildTestApp(t);
  for (const bad of ['a'.repeat(129), 'has space', 'semi;colon', 'quote"d', 'ü']) {
    const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': bad } });
    const id = response.headers['x-request-id'];
    t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${bad.slice(0, 10)} is replaced`);
    t.equal(response.json().requestId, id);
  }
  const none = await app.inject({ method: 'GET', url: '/api/health' });
  t.match(none.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'a request without one gets one');
});

t.test('no credential a request carries reaches the logs, on success and error paths', async (t) => {
  const { lines, stream } = captureLogs();
  const metricsToken = secretValue('metrics');
  const app = await buildTestApp(t, { LOG_LEVEL: 'trace', METRICS_TOKEN: metricsToken }, { logStream: stream });
  const dev = await createUser(app);
  const secrets: Record<string, string> = {
    apiToken: dev.token,
    bogusToken: secretValue('pbx_pat_bogus'),
    cookie: secretValue('session'),
    csrf: secretValue('csrf'),
    assertion: secretValue('eyJassertion'),
    password: secretValue('hunter'),
    querySecret: secretValue('qs'),
    metricsToken,
  };
  t.equal((await dev.request('GET', '/api/v1/me')).statusCode, 200, 'a good token');
  const bogus = await app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `Bearer ${secrets.bogusToken}` },
  });
  t.equal(bogus.statusCode, 401, 'a bad token (error path)');
  const cookie = await app.inject({
    method: 'POST',
    url: '/api/v1/backend-services',
    headers: {
      cookie: `pbx_session=${secrets.cookie}`,
      'x-csrf-token': secrets.csrf,
      origin: 'http://localhost:3000',
      'content-type': 'application/json',
    },
    payload: { name: 'x' },
  });
  t.ok(cookie.statusCode >= 400, 'a session cookie and CSRF token that do not open a session');
  const body = await dev.request('POST', '/api/v1/backend-services', {
    name: 'x',
    client_assertion: secrets.assertion,
    password: secrets.password,
  });
  t.equal(body.statusCode, 400, 'credentials in a refused body');
  const malformed = await dev.request('POST', '/api/v1/backend-services', `{"password":"${secrets.password}"`, {
    'content-type': 'application/json',
  });
  t.equal(malformed.statusCode, 400, 'credentials in a malformed body');
  const query = await dev.request(
    'GET',
    `/api/v1/me?%ZZ=1&client_assertion=${secrets.assertion}&password=${secrets.password}&access_token=${secrets.querySecret}`,
  );
  t.ok(query.statusCode < 500, 'credentials in the query string');
  const metrics = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  t.equal(metrics.statusCode, 200, 'the metrics token');
  t.ok(lines.length > 10, 'the requests were logged');
  const log = lines.join('\n');
  for (const [name, value] of Object.entries(secrets)) t.notOk(log.includes(value), `${name} is not in the logs`);
  t.notOk(log.includes(dev.token.slice('pbx_pat_'.length)), 'nor any part of the API token');
});

t.test('counts request durations by method, route pattern and status at /metrics', async (t) => {
  const app = await buildTestApp(t);
  const dev = await createUser(app);
  for (let i = 0; i < 3; i++) await dev.request('GET', '/api/v1/me');
  await dev.request('GET', '/api/v1/backend-services/0190a0a0-0000-7000-8000-000000000000');
  await app.inject({ method: 'GET', url: '/api/no-such-route/123' });
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/plain/);
  const text = response.body;
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status_code="200"\} 3/);
  t.match(
    text,
    /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/backend-services\/:id",status_code="404"\} 1/,
    'the route pattern, not the id',
  );
  t.notMatch(text, /0190a0a0/, 'no raw ids');
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1/);
  t.match(text, /process_cpu_user_seconds_total/, 'process metrics');
  t.match(text, /nodejs_heap_size_used_bytes/);
  const again = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(again.body, /route="\/api\/v1\/me",status_code="200"\} 3/);
  const openapi = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  t.notOk(
    Object.keys(openapi.json().paths).some((path) => path.includes('metrics')),
    'not in the OpenAPI document',
  );
});

t.test('requires the metrics token when METRICS_TOKEN is set', async (t) => {
  const token = secretValue('metrics-token-');
  const app = await buildTestApp(t, { METRICS_TOKEN: token });
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
  t.equal(wrong.statusCode, 401);
  const right = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  t.equal(right.statusCode, 200);
  t.match(right.body, /http_request_duration_seconds/);
});
