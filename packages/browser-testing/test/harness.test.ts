import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import t from 'tap';
import {
  type BrowserPortal,
  layoutFindings,
  navigationInView,
  type Page,
  SCREENSHOT_DIR,
  saveScreenshot,
  seriousAccessibilityViolations,
  signIn,
  startBrowserPortal,
  startJwksServer,
  VIEWPORTS,
} from '../src/index.ts';

/**
 * A stand-in SPA: asks for the session and greets the user, or goes to sign in on a 401, as the real SPAs do. The script
 * is a file of its own because the portal serves the SPAs with `script-src 'self'`.
 */
async function writeApp(root: string, app: 'developer' | 'admin'): Promise<string> {
  const base = app === 'admin' ? '/admin/' : '/';
  const dir = join(root, app);
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(
    join(dir, 'index.html'),
    `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Stand-in ${app} portal</title><script type="module" src="${base}assets/app.js"></script></head>
<body><main><h1>Welcome, <span id="user">…</span></h1></main></body>
</html>
`,
  );
  await writeFile(
    join(dir, 'assets', 'app.js'),
    `const response = await fetch('/api/auth/session', { headers: { accept: 'application/json' } });
if (response.status === 401) {
  location.assign('/api/auth/login?app=${app}&returnTo=' + encodeURIComponent(location.pathname));
} else {
  const session = await response.json();
  document.getElementById('user').textContent = session.user.name + ' (' + session.user.role + ')';
}
`,
  );
  return dir;
}

const root = await mkdtemp(join(tmpdir(), 'browser-testing-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const appDirs = { developer: await writeApp(root, 'developer'), admin: await writeApp(root, 'admin') };
const portal: BrowserPortal = await startBrowserPortal({ appDirs });
t.teardown(() => portal.close());

async function greeting(page: Page): Promise<string | null> {
  await page.getByText(/Welcome, .+\(/).waitFor();
  return page.locator('#user').textContent();
}

async function sessionUserId(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const response = await fetch('/api/auth/session');
    return ((await response.json()) as { user: { id: string } }).user.id;
  });
}

t.test('signs the developer in through the login form and shows their name', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  const { developer } = portal.accounts;
  await signIn(page, portal, developer);
  t.equal(await greeting(page), `${developer.name} (developer)`);
  t.equal(new URL(page.url()).origin, portal.url, 'back on the portal');
  t.equal(await sessionUserId(page), developer.id, 'the identity became the prepared user');
});

t.test('signs developer2 in on a fresh context and shows their name', async (t) => {
  const first = await portal.newPage();
  t.teardown(() => first.close());
  await signIn(first, portal, portal.accounts.developer);
  const page = await portal.newPage();
  t.teardown(() => page.close());
  const { developer2 } = portal.accounts;
  await signIn(page, portal, developer2);
  t.equal(await greeting(page), `${developer2.name} (developer)`);
  t.equal(await sessionUserId(page), developer2.id);
  await first.reload();
  t.equal(await greeting(first), `${portal.accounts.developer.name} (developer)`, 'the first context is unaffected');
});

t.test('signs the admin in at /admin/ with the admin role', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  const { admin } = portal.accounts;
  await signIn(page, portal, admin, '/admin/');
  t.equal(await greeting(page), `${admin.name} (admin)`);
  t.equal(new URL(page.url()).pathname, '/admin/');
  t.equal(await sessionUserId(page), admin.id);
});

t.test('resolves at once when the context is signed in already', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  const { developer } = portal.accounts;
  await signIn(page, portal, developer);
  const started = Date.now();
  await signIn(page, portal, developer, '/services');
  t.equal(new URL(page.url()).pathname, '/services', 'no detour through the identity provider');
  t.equal(await greeting(page), `${developer.name} (developer)`);
  t.ok(Date.now() - started < 10_000);
});

t.test('refuses to sign a context in as a second account while the first is signed in', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  await signIn(page, portal, portal.accounts.developer);
  await t.rejects(signIn(page, portal, portal.accounts.developer2), {
    message: new RegExp(`signed in as ${portal.accounts.developer.email}`),
  });
});

t.test('fails with the reason when the identity provider refuses the password', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  const account = { ...portal.accounts.developer, password: 'not-the-password' };
  const error = await signIn(page, portal, account).then(
    () => undefined,
    (error: unknown) => error,
  );
  t.match(error, { message: new RegExp(`identity provider refused ${account.email}: .*Sign in`) });
});

t.test('acts through the API as the same user who signs in', async (t) => {
  const { developer2 } = portal.accounts;
  const me = await developer2.api('GET', '/me');
  t.equal(me.status, 200);
  t.match(me.body, { id: developer2.id, email: developer2.email, name: developer2.name, role: 'developer' });
  const admin = await portal.accounts.admin.api('GET', '/me');
  t.match(admin.body, { id: portal.accounts.admin.id, role: 'admin' });
});

t.test('reports serious accessibility violations with rule, impact, help and targets', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  await signIn(page, portal, portal.accounts.developer2);
  await greeting(page);
  const onPortal = await seriousAccessibilityViolations(page);
  t.ok(Array.isArray(onPortal), 'runs on a page served with script-src self');
  // The stand-in page has no lang attribute: axe reports html-has-lang (serious).
  t.match(
    onPortal.find((violation) => violation.id === 'html-has-lang'),
    { impact: 'serious', help: String, targets: ['html'] },
  );

  await page.setContent(
    '<!DOCTYPE html><html lang="en"><head><title>Form</title></head><body><main><h1>Form</h1><input id="nameless" type="text"></main></body></html>',
  );
  const violations = await seriousAccessibilityViolations(page);
  const label = violations.find((violation) => violation.id === 'label');
  t.ok(label, 'an input without a label is reported');
  t.match(label, { impact: /^(serious|critical)$/, help: /label/i, helpUrl: /^https:\/\//, targets: ['#nameless'] });
  for (const violation of violations) t.match(violation.impact, /^(serious|critical)$/);
  t.same(await seriousAccessibilityViolations(page, { exclude: ['#nameless'] }), [], 'excluded parts are not checked');
});

t.test('saves a full-page PNG screenshot under test-artifacts', async (t) => {
  const page = await portal.newPage();
  t.teardown(() => page.close());
  await signIn(page, portal, portal.accounts.developer);
  await greeting(page);
  const path = await saveScreenshot(page, 'browser-testing/harness ../greeting');
  t.equal(path, join(SCREENSHOT_DIR, 'browser-testing-harness-greeting.png'), 'the name cannot leave the folder');
  const png = await readFile(path);
  t.same([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  t.ok(png.length > 1_000);
});

t.test(
  'names what makes a phone window scroll sideways and which badge is cut, but not a table in its box',
  async (t) => {
    const page = await portal.newPage({ viewport: VIEWPORTS.phone });
    t.teardown(() => page.close());
    t.same(page.viewportSize(), { width: 390, height: 844 }, 'the page has the phone size');
    const wideTable = `<table><tr><td style="white-space: nowrap">${'wide cell '.repeat(20)}</td></tr></table>`;
    const badge = (width: string) =>
      `<span class="mantine-Badge-label" style="display: inline-block; width: ${width}; overflow: hidden; ` +
      'white-space: nowrap; text-overflow: ellipsis">Under Review</span>';
    await page.setContent(
      `<!DOCTYPE html><html lang="en"><body style="margin: 0"><main>${wideTable}${badge('30px')}</main></body></html>`,
    );
    const findings = await layoutFindings(page);
    t.equal(findings.length, 2, findings.join('\n'));
    t.match(findings[0], /^the page is \d+ px wide in a 390 px window: table/, 'names the element that sticks out');
    t.match(findings[1], /^the badge "Under Review" is cut to 30 of its \d+ px$/);

    await page.setContent(
      `<!DOCTYPE html><html lang="en"><body style="margin: 0"><main>` +
        `<div data-table-scroll style="overflow-x: auto">${wideTable}</div>${badge('auto')}` +
        `<nav aria-label="Main" style="position: fixed; left: 0; width: 200px; transform: translateX(-100%)"></nav>` +
        '</main></body></html>',
    );
    t.same(await layoutFindings(page), [], 'a table scrolling in its own box and a whole badge are fine');
    t.notOk(await navigationInView(page), 'a navigation slid out of the window is not in view');
  },
);

t.test('serves a JWKS whose key verifies what the private key signs', async (t) => {
  const jwks = await startJwksServer();
  t.teardown(() => jwks.close());
  t.match(jwks.url, /^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/);
  const response = await fetch(jwks.url, { signal: AbortSignal.timeout(5_000) });
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /application\/json/);
  t.match(response.headers.get('cache-control'), /max-age=\d+/);
  const body = (await response.json()) as { keys: Record<string, unknown>[] };
  t.equal(body.keys.length, 1);
  t.match(body.keys[0], { kty: 'RSA', kid: jwks.kid, alg: 'RS384', use: 'sig', n: String, e: String });
  t.notOk(body.keys[0] && 'd' in body.keys[0], 'no private parts');
  const assertion = await new SignJWT({ sub: 'client' })
    .setProtectedHeader({ alg: 'RS384', kid: jwks.kid })
    .setExpirationTime('1m')
    .sign(jwks.privateKey);
  const { payload } = await jwtVerify(assertion, createLocalJWKSet(body as never));
  t.equal(payload.sub, 'client');
  t.equal((await fetch(new URL('/other', jwks.url), { signal: AbortSignal.timeout(5_000) })).status, 404);
});

t.test('provisions a service whose key set the harness serves, so its assertions earn sandbox tokens', async (t) => {
  const jwks = await startJwksServer();
  t.teardown(() => jwks.close());
  const { developer } = portal.accounts;
  const created = await developer.api('POST', '/backend-services', {
    name: 'Harness key set',
    authMethod: 'jwks_uri',
    jwksUri: jwks.url,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, created.body?.code ?? 'created');
  const ready = await portal.stack.waitForEnvironment(created.body.id, 'sandbox', 'ready');
  const { tokenUrl, clientId } = ready.environments.sandbox;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS384', kid: jwks.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenUrl)
    .setIssuedAt()
    .setExpirationTime('4m')
    .setJti(randomUUID())
    .sign(jwks.privateKey);
  const response = await fetch(tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const token = (await response.json()) as { access_token?: string; scope?: string; error?: string };
  t.equal(response.status, 200, token.error ?? 'token granted');
  t.equal(token.scope, 'system/Patient.rs');
});
