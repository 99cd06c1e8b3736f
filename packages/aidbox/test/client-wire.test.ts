// Wire behaviours the emulator cannot be asked to show (a next link naming another host, a redirect, an error body
// that echoes the request, a non-JSON answer, a long Retry-After), each against a scripted loopback server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import t, { type Test } from 'tap';
import { type AidboxClient, createAidboxClient } from '../src/index.ts';
import { createTransport } from '../src/transport.ts';
import { failure } from './helpers/failure.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(t: Test, handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.teardown(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const outcome = (diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', diagnostics }],
});

const credentials = { clientId: 'portal-provisioner', clientSecret: 'provisioner-s3cret-value' };

const client: AidboxClient = {
  resourceType: 'Client',
  id: 'bs-wire',
  active: true,
  grant_types: ['client_credentials'],
  auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
  scope: ['system/Patient.rs'],
  secret: 'service-s3cret-value',
};

t.test('sends Basic credentials and asks for JSON', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 200, { status: 'pass' }));
  await createAidboxClient({ baseUrl: server.url, ...credentials }).health();
  const headers = server.seen[0]?.headers ?? {};
  t.equal(
    headers.authorization,
    `Basic ${Buffer.from('portal-provisioner:provisioner-s3cret-value').toString('base64')}`,
  );
  t.equal(headers.accept, 'application/json');
});

t.test('keeps a path prefix of the base URL and ignores its trailing slash', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 200, { status: 'pass' }));
  await createAidboxClient({ baseUrl: `${server.url}/aidbox/`, ...credentials }).health();
  t.equal(server.seen[0]?.url, '/aidbox/health');
});

t.test('refuses a base URL that carries credentials or is not http', async (t) => {
  t.throws(() => createAidboxClient({ baseUrl: 'http://root:secret@127.0.0.1:1', ...credentials }), TypeError);
  t.throws(() => createAidboxClient({ baseUrl: 'ftp://127.0.0.1', ...credentials }), TypeError);
  t.throws(() => createAidboxClient({ baseUrl: 'http://127.0.0.1', clientId: 'a:b', clientSecret: 'x' }), TypeError);
});

t.test('follows next links by their query only, against its own base URL', async (t) => {
  const elsewhere = await serve(t, (_req, res) => json(res, 500, {}));
  const organization = (id: string, partOf?: unknown) => ({
    resource: { resourceType: 'Organization', id, name: id, ...(partOf ? { partOf } : {}) },
  });
  const server = await serve(t, (req, res) => {
    const page = new URL(req.url ?? '', 'http://x').searchParams.get('_page');
    if (page === '2') {
      json(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [organization('child', { resourceType: 'Organization', id: 'root' })],
      });
      return;
    }
    json(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: `${elsewhere.url}/Organization?_count=1000&_page=2` }],
      entry: [
        organization('root'),
        { resource: outcome('search warning'), search: { mode: 'outcome' } },
        organization('sibling', { reference: 'Organization/root' }),
      ],
    });
  });
  const organizations = await createAidboxClient({ baseUrl: server.url, ...credentials }).listOrganizations();
  t.same(
    organizations.map((o) => [o.id, o.partOf?.reference]),
    [
      ['root', undefined],
      ['sibling', 'Organization/root'],
      ['child', 'Organization/root'],
    ],
  );
  t.same(
    server.seen.map((s) => s.url),
    ['/Organization?_count=1000', '/Organization?_count=1000&_page=2'],
  );
  t.equal(elsewhere.seen.length, 0, 'the host the next link named got nothing, credentials included');
});

t.test('stops a next link that points back to a page already read', async (t) => {
  const server = await serve(t, (_req, res) =>
    json(res, 200, {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: '/Organization?_count=1000' }],
      entry: [],
    }),
  );
  const error = await failure(createAidboxClient({ baseUrl: server.url, ...credentials }).listOrganizations());
  t.equal(error.code, 'invalid_response');
  t.equal(server.seen.length, 1);
});

t.test('does not follow a redirect, so credentials stay with Aidbox', async (t) => {
  const elsewhere = await serve(t, (_req, res) => json(res, 200, { status: 'pass' }));
  const server = await serve(t, (_req, res) => res.writeHead(302, { location: `${elsewhere.url}/health` }).end());
  const error = await failure(createAidboxClient({ baseUrl: server.url, ...credentials }).health());
  t.equal(error.status, 302);
  t.equal(error.retryable, false);
  t.equal(elsewhere.seen.length, 0);
});

t.test('keeps the provisioning secret and the client secret out of errors that echo the request', async (t) => {
  const server = await serve(t, (_req, res, body) =>
    json(res, 422, outcome(`invalid Client ${body} presented with provisioner-s3cret-value`)),
  );
  const error = await failure(createAidboxClient({ baseUrl: server.url, ...credentials }).putClient(client));
  t.equal(error.status, 422);
  t.match(error.message, /\[redacted\]/);
  const everything = `${error.message} ${JSON.stringify(error.outcome)} ${inspect(error, { depth: 10 })}`;
  t.notMatch(everything, /provisioner-s3cret-value/);
  t.notMatch(everything, /service-s3cret-value/);
});

t.test('reports a refused connection as a retryable network error', async (t) => {
  // A port that was just in use and is now closed: connections to it are refused.
  const refused = createServer();
  await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
  const port = (refused.address() as AddressInfo).port;
  await new Promise<void>((resolve) => refused.close(() => resolve()));
  const aidbox = createAidboxClient({ baseUrl: `http://127.0.0.1:${port}`, ...credentials, retries: 0 });
  const error = await failure(aidbox.health());
  t.equal(error.code, 'network');
  t.equal(error.retryable, true);
  t.equal(error.status, undefined);
  t.ok(error.cause, 'the fetch error is kept as the cause');
});

t.test('reports a read answered with something other than the resource as an invalid response', async (t) => {
  const server = await serve(t, (req, res) =>
    req.url?.startsWith('/Client/')
      ? res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>')
      : json(res, 200, { resourceType: 'Patient', id: 'x' }),
  );
  const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials });
  const error = await failure(aidbox.getClient('bs-wire'));
  t.equal(error.code, 'invalid_response');
  t.equal(error.retryable, false);
  t.equal((await failure(aidbox.getAccessPolicy('x'))).code, 'invalid_response');
});

t.test('returns to the caller at once when Retry-After asks for a longer wait', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 503, outcome('maintenance'), { 'retry-after': '120' }));
  const error = await failure(createAidboxClient({ baseUrl: server.url, ...credentials, retries: 5 }).health());
  t.equal(error.status, 503);
  t.equal(error.retryable, true);
  t.equal(error.retryAfterMs, 120_000);
  t.equal(server.seen.length, 1);
});

t.test('retries a rate-limited call after a short Retry-After', async (t) => {
  const server = await serve(t, (_req, res) =>
    server.seen.length === 1 ? json(res, 429, outcome('slow down'), { 'retry-after': '0' }) : json(res, 200, {}),
  );
  const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials, retryDelayMs: 1 });
  t.same(await aidbox.health(), {});
  t.equal(server.seen.length, 2);
});

t.test('does not retry a 500 answer to a read, which a retry would repeat', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 500, outcome('boom')));
  const error = await failure(createAidboxClient({ baseUrl: server.url, ...credentials, retryDelayMs: 1 }).health());
  t.equal(error.status, 500);
  t.equal(error.retryable, false);
  t.equal(server.seen.length, 1);
});

t.test('retries an unconditional PUT through 412, 409 and 500 answers of concurrent writes', async (t) => {
  const answers = [412, 409, 500];
  const server = await serve(t, (_req, res, body) => {
    const status = answers[server.seen.length - 1];
    return status ? json(res, status, outcome('could not serialize access')) : json(res, 201, JSON.parse(body));
  });
  const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials, retries: 3, retryDelayMs: 1 });
  const result = await aidbox.putClient(client);
  t.equal(result.resource.id, 'bs-wire');
  t.same(
    server.seen.map((seen) => `${seen.method} ${seen.url}`),
    Array(4).fill('PUT /Client/bs-wire'),
  );
});

t.test('retries an unconditional DELETE answered 412', async (t) => {
  const server = await serve(t, (_req, res) =>
    server.seen.length === 1 ? json(res, 412, outcome('concurrent update')) : res.writeHead(204).end(),
  );
  const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials, retryDelayMs: 1 });
  t.same(await aidbox.deleteAccessPolicy('bs-wire-policy'), { existed: false });
  t.equal(server.seen.length, 2);
});

t.test(
  'gives up on a write conflict after its retries with an error still marked retryable, for the job queue',
  async (t) => {
    const server = await serve(t, (_req, res) => json(res, 412, outcome('concurrent update')));
    const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials, retries: 2, retryDelayMs: 1 });
    const error = await failure(aidbox.putClient(client));
    t.equal(error.status, 412);
    t.equal(error.retryable, true);
    t.match(error.message, /concurrent update/);
    t.equal(server.seen.length, 3);
  },
);

t.test(
  'does not retry a 412 of a write sent with If-Match or to a conditional URL: the precondition failed',
  async (t) => {
    const server = await serve(t, (_req, res) => json(res, 412, outcome('version mismatch')));
    const send = createTransport({
      baseUrl: server.url,
      ...credentials,
      timeoutMs: 5_000,
      retries: 3,
      retryDelayMs: 1,
      fetch: globalThis.fetch,
    });
    const guarded = await failure(
      send({
        method: 'PUT',
        path: '/Patient/pt-1',
        body: { resourceType: 'Patient' },
        ifMatch: 'W/"3"',
        expect: [200],
      }),
    );
    t.equal(guarded.retryable, false);
    t.equal(server.seen[0]?.headers['if-match'], 'W/"3"');
    const conditional = await failure(send({ method: 'DELETE', path: '/Patient?identifier=x', expect: [200, 204] }));
    t.equal(conditional.retryable, false);
    t.equal(server.seen.length, 2, 'one attempt each');
  },
);

t.test('does not retry a 409 or 412 answer to a merge patch or a read', async (t) => {
  const server = await serve(t, (req, res) => json(res, req.method === 'PATCH' ? 409 : 412, outcome('conflict')));
  const aidbox = createAidboxClient({ baseUrl: server.url, ...credentials, retries: 3, retryDelayMs: 1 });
  t.equal((await failure(aidbox.patchClient('bs-wire', { active: false }))).retryable, false);
  t.equal((await failure(aidbox.getClient('bs-wire'))).retryable, false);
  t.equal(server.seen.length, 2);
});

t.test('treats a 404 on delete as already gone, as Aidbox does when configured to answer it', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 404, outcome('not found')));
  t.same(await createAidboxClient({ baseUrl: server.url, ...credentials }).deleteAccessPolicy('x'), { existed: false });
});

t.test('reads a deleted resource (410 Gone) as missing', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 410, outcome('deleted')));
  t.equal(await createAidboxClient({ baseUrl: server.url, ...credentials }).getClient('x'), undefined);
});

t.test('encodes resource ids into a single path segment', async (t) => {
  const server = await serve(t, (_req, res) => json(res, 404, outcome('not found')));
  await createAidboxClient({ baseUrl: server.url, ...credentials }).getClient('../AccessPolicy/x');
  t.equal(server.seen[0]?.url, '/Client/..%2FAccessPolicy%2Fx');
});

t.test('reports every exchange, retries included, to an onRequest observer without ids', async (t) => {
  let calls = 0;
  const { url } = await serve(t, (req, res) => {
    calls++;
    if (calls === 1) return json(res, 503, outcome('busy'));
    if (req.method === 'GET') return json(res, 404, outcome('not found'));
    return json(res, 201, { resourceType: 'Client', id: 'client-42' });
  });
  const seen: { operation: string; outcome: string; status: number | undefined; durationMs: number }[] = [];
  const client = createAidboxClient({
    baseUrl: url,
    clientId: 'portal',
    clientSecret: 'secret',
    retryDelayMs: 1,
    onRequest: ({ operation, outcome, status, durationMs }) => seen.push({ operation, outcome, status, durationMs }),
  });
  await client.putClient({ resourceType: 'Client', id: 'client-42' } as AidboxClient);
  t.equal(await client.getClient('client-42'), undefined);
  t.match(seen, [
    { operation: 'PUT /Client', outcome: 'http_status', status: 503 },
    { operation: 'PUT /Client', outcome: 'ok', status: 201 },
    { operation: 'GET /Client', outcome: 'ok', status: 404 },
  ]);
  t.ok(seen.every((s) => s.durationMs >= 0));
  t.notOk(JSON.stringify(seen).includes('client-42'), 'no ids');
});
