import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** A built SPA as Vite leaves it: index.html naming a hashed bundle under assets/. */
async function fakeBuild(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><title>${name}</title><div id="root"></div><script type="module" src="/assets/app-abc.js"></script>\n`,
  );
  await writeFile(join(dir, 'assets', 'app-abc.js'), `console.log(${JSON.stringify(name)});\n`);
  // The build's compressed copies (vite-plugin-compression2); their content only has to be recognisable here.
  await writeFile(join(dir, 'assets', 'app-abc.js.br'), 'brotli bytes');
  await writeFile(join(dir, 'assets', 'app-abc.js.gz'), 'gzip bytes');
  await writeFile(join(dir, '.env'), 'SECRET=do-not-serve\n');
  return dir;
}

const root = await mkdtemp(join(tmpdir(), 'payerbox-spa-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const developerDir = await fakeBuild(root, 'developer');
const adminDir = await fakeBuild(root, 'admin');

function expectPage(t: Test, response: LightMyRequestResponse, app: string): void {
  t.equal(response.statusCode, 200, 'answers 200');
  t.match(response.headers['content-type'], /^text\/html/, 'as HTML');
  t.match(response.body, `<title>${app}</title>`, `with the ${app} app's index.html`);
  t.equal(response.headers['cache-control'], 'no-cache', 'revalidated on every load');
  t.equal(response.headers['content-security-policy'], CSP, 'under the strict CSP');
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.equal(response.headers['referrer-policy'], 'same-origin');
  t.equal(response.headers['x-frame-options'], 'DENY');
}

t.test('serves the developer portal at / with no-cache and a strict Content-Security-Policy', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  expectPage(t, await app.inject({ method: 'GET', url: '/', headers: { accept: HTML } }), 'developer');
  expectPage(t, await app.inject({ method: 'GET', url: '/' }), 'developer');
  const head = await app.inject({ method: 'HEAD', url: '/' });
  t.equal(head.statusCode, 200, 'answers HEAD too');
  for (const encoding of ['gzip', 'gzip, deflate, br']) {
    const compressed = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': encoding } });
    expectPage(t, compressed, 'developer');
    const admin = await app.inject({ method: 'GET', url: '/admin/', headers: { 'accept-encoding': encoding } });
    expectPage(t, admin, 'admin');
  }
});

t.test("answers a page navigation to a client-side route with the app's index.html", async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  expectPage(t, await app.inject({ method: 'GET', url: '/services/123', headers: { accept: HTML } }), 'developer');
  expectPage(
    t,
    await app.inject({ method: 'GET', url: '/services/123?tab=keys', headers: { accept: HTML } }),
    'developer',
  );
  expectPage(t, await app.inject({ method: 'GET', url: '/admin/services/123', headers: { accept: HTML } }), 'admin');
  expectPage(t, await app.inject({ method: 'GET', url: '/administrators', headers: { accept: HTML } }), 'developer');
});

t.test('answers a client-side route with a 404 problem when the request is not a page navigation', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir });
  const json = await app.inject({ method: 'GET', url: '/services/123', headers: { accept: 'application/json' } });
  expectProblem(t, json, 404, 'route_not_found');
  const post = await app.inject({ method: 'POST', url: '/services/123', headers: { accept: HTML } });
  expectProblem(t, post, 404, 'route_not_found');
});

t.test('serves hashed assets as immutable for a year', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  for (const [url, owner] of [
    ['/assets/app-abc.js', 'developer'],
    ['/admin/assets/app-abc.js', 'admin'],
  ] as const) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 200, `${url} answers 200`);
    t.match(response.headers['content-type'], /javascript/);
    t.match(response.body, owner, `from the ${owner} build`);
    t.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
    t.equal(response.headers['x-content-type-options'], 'nosniff');
  }
});

t.test("sends the build's compressed copy of an asset to a client that accepts it", async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir });
  const url = '/assets/app-abc.js';
  const brotli = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
  t.equal(brotli.statusCode, 200);
  t.equal(brotli.headers['content-encoding'], 'br');
  t.equal(brotli.body, 'brotli bytes');
  t.match(brotli.headers['content-type'], /javascript/, 'typed as the asset, not as the copy');
  t.match(brotli.headers.vary, /accept-encoding/i, 'caches keep the encodings apart');
  t.match(brotli.headers['cache-control'], /immutable/);
  const gzip = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
  t.equal(gzip.headers['content-encoding'], 'gzip');
  t.equal(gzip.body, 'gzip bytes');
  const plain = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'identity' } });
  t.equal(plain.headers['content-encoding'], undefined);
  t.equal(plain.body, 'console.log("developer");\n');
});

t.test('answers a missing asset with a 404, never with the page', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  for (const url of ['/assets/missing.js', '/admin/assets/missing.js']) {
    expectProblem(t, await app.inject({ method: 'GET', url, headers: { accept: '*/*' } }), 404, 'route_not_found');
    expectProblem(t, await app.inject({ method: 'GET', url, headers: { accept: HTML } }), 404, 'route_not_found');
  }
});

t.test('keeps problem+json 404s under /api, even for page navigations', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  for (const url of ['/api/v1/nope', '/api', '/api/v1/admin/nope']) {
    expectProblem(t, await app.inject({ method: 'GET', url, headers: { accept: HTML } }), 404, 'route_not_found');
  }
  expectProblem(t, await app.inject({ method: 'GET', url: '/api/v1/nope' }), 404, 'route_not_found');
  const health = await app.inject({ method: 'GET', url: '/api/health' });
  t.same(health.json(), { status: 'ok' }, 'the API still answers');
});

t.test('redirects /admin to /admin/, keeping the query', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  const response = await app.inject({ method: 'GET', url: '/admin', headers: { accept: HTML } });
  t.equal(response.statusCode, 301);
  t.equal(response.headers.location, '/admin/');
  const withQuery = await app.inject({ method: 'GET', url: '/admin?status=under_review' });
  t.equal(withQuery.headers.location, '/admin/?status=under_review');
  expectPage(t, await app.inject({ method: 'GET', url: '/admin/', headers: { accept: HTML } }), 'admin');
});

t.test('answers /admin/ with a 404 problem when the admin app is missing', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir });
  for (const url of ['/admin/', '/admin', '/admin/services/123']) {
    expectProblem(t, await app.inject({ method: 'GET', url, headers: { accept: HTML } }), 404, 'route_not_found');
  }
  expectPage(t, await app.inject({ method: 'GET', url: '/', headers: { accept: HTML } }), 'developer');
});

t.test('answers / with a 404 problem when no app is configured, as the API alone always did', async (t) => {
  const app = await buildTestApp(t);
  for (const url of ['/', '/services/123', '/assets/app-abc.js']) {
    expectProblem(t, await app.inject({ method: 'GET', url, headers: { accept: HTML } }), 404, 'route_not_found');
  }
});

t.test('never publishes dotfiles of a build folder', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  for (const url of ['/.env', '/admin/.env']) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 404, `${url} answers 404`);
    t.notMatch(response.body, 'do-not-serve');
  }
});

t.test('leaves the SPA routes out of the OpenAPI document', async (t) => {
  const app = await buildTestApp(t, { DEVELOPER_APP_DIR: developerDir, ADMIN_APP_DIR: adminDir });
  const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, unknown>;
  };
  const outsideApi = Object.keys(spec.paths).filter((path) => !path.startsWith('/api/'));
  t.same(outsideApi, [], 'documents /api routes only');
});

t.test('refuses to start when a configured folder holds no built app', async (t) => {
  const empty = await mkdtemp(join(root, 'unbuilt-'));
  await t.rejects(buildTestApp(t, { DEVELOPER_APP_DIR: empty }), /DEVELOPER_APP_DIR: .* has no index\.html/);
});
