import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, loadConfig } from '@payerbox/registration';
import { createApiToken, upsertUserByEmail } from '@payerbox/registration/test-support';
import { generateKeyringSpec } from '@payerbox/secret-box';
import t, { type Test } from 'tap';
import { createApiClient, isProblem } from '../src/index.ts';

async function portal(t: Test) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const app = await buildApp(
    loadConfig({
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      SECRET_ENCRYPTION_KEYS: generateKeyringSpec(),
      SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.test',
      PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.test',
      // Every suite's requests come from 127.0.0.1 and count in the database the suites share.
      WRITE_RATE_LIMIT_PER_ADDRESS: '10000000',
      ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '10000000',
    }),
  );
  t.teardown(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const user = await upsertUserByEmail(app.db, {
    email: `client-${randomBytes(6).toString('hex')}@test.example`,
    name: 'Client test',
    role: 'developer',
  });
  const { token } = await createApiToken(app.db, user.id, { name: 'client', expiresInDays: 1 }, 1);
  return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, token, user };
}

t.test('calls the API with types from the OpenAPI document', async (t) => {
  const { baseUrl, token, user } = await portal(t);
  const api = createApiClient({ baseUrl, bearerToken: token });
  const me = await api.GET('/api/v1/me');
  t.equal(me.data?.id, user.id);
  const created = await api.POST('/api/v1/backend-services', {
    body: { name: 'Typed', authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] },
  });
  t.equal(created.response.status, 201);
  t.match(created.data?.clientSecret, /^pbx_cs_/);
  const id = created.data?.id ?? '';
  const read = await api.GET('/api/v1/backend-services/{id}', { params: { path: { id } } });
  t.equal(read.data?.status, 'draft');
  const list = await api.GET('/api/v1/backend-services', { params: { query: { limit: 5 } } });
  t.equal(list.data?.items[0]?.id, id);
});

t.test('answers problems as typed errors', async (t) => {
  const { baseUrl, token } = await portal(t);
  const api = createApiClient({ baseUrl, bearerToken: token });
  const refused = await api.POST('/api/v1/backend-services', {
    body: { name: 'Bad', authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.sr'] },
  });
  t.equal(refused.response.status, 400);
  t.ok(isProblem(refused.error));
  t.match(refused.error, { code: 'validation_failed', errors: [{ path: '/body/scopes/0' }] });
  const anonymous = await createApiClient({ baseUrl }).GET('/api/v1/me');
  t.equal(anonymous.response.status, 401);
});

t.test('sends the CSRF token with state-changing requests only', async (t) => {
  // A loopback server that records what arrives: the header rule is the client's, whatever the API answers.
  const seen: { method: string; csrf: string | undefined }[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', csrf: request.headers['x-csrf-token'] as string | undefined });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = createApiClient({ baseUrl, csrfToken: () => 'csrf-123' });
  await api.GET('/api/v1/me');
  await api.POST('/api/v1/backend-services/{id}/submit', { params: { path: { id: 'x' } } });
  t.same(seen, [
    { method: 'GET', csrf: undefined },
    { method: 'POST', csrf: 'csrf-123' },
  ]);
});
