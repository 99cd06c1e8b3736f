import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { DevIdpConfigError, loadDevIdpConfig } from '../src/env-config.ts';
import { PORTAL, POST_LOGOUT_REDIRECT_URI, REDIRECT_URI, relyingParty, signIn } from './helpers/sign-in.ts';

const BIN = new URL('../src/bin/dev-identity-provider.ts', import.meta.url).pathname;

/** A credentials file in the format the portal's start command writes (`.data/dev-credentials.json`). */
async function credentialsFile(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'dev-idp-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const credential = (email: string, name: string, role: string) => ({
    email,
    password: randomBytes(12).toString('base64url'),
    apiToken: 'pbx_at_x',
    name,
    role,
  });
  const credentials = {
    developer: credential('developer@example.com', 'Dana Developer', 'developer'),
    developer2: credential('developer2@example.com', 'Devin Second', 'developer'),
    admin: credential('admin@example.com', 'Avery Admin', 'admin'),
  };
  // Beside the accounts, the portal's own Aidbox credentials, which are no account.
  const reader = { clientId: 'portal-reader', clientSecret: 'r' };
  const aidbox = {
    url: 'http://localhost:8081',
    provisioner: { clientId: 'portal-provisioner', clientSecret: 'p' },
    reader,
  };
  const file = join(dir, 'dev-credentials.json');
  await writeFile(file, JSON.stringify({ ...credentials, aidbox: { sandbox: aidbox, production: aidbox } }));
  return { file, credentials };
}

function environment(file: string) {
  return {
    DEV_IDP_ISSUER: 'http://localhost:3001',
    DEV_IDP_CREDENTIALS_FILE: file,
    DEV_IDP_CLIENT_ID: 'backend-services-portal',
    DEV_IDP_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    DEV_IDP_REDIRECT_URIS: `${REDIRECT_URI}, ${PORTAL}/other-callback`,
    DEV_IDP_POST_LOGOUT_REDIRECT_URIS: POST_LOGOUT_REDIRECT_URI,
  };
}

t.test('builds the three demo accounts from the dev credentials file', async (t) => {
  const { file, credentials } = await credentialsFile(t);
  const env = { ...environment(file), DEV_IDP_ACCESS_TOKEN_AUDIENCE: `${PORTAL}/api` };
  const options = await loadDevIdpConfig(env);
  t.same(options.accounts, [
    {
      sub: 'developer',
      email: 'developer@example.com',
      name: 'Dana Developer',
      password: credentials.developer.password,
      roles: [],
    },
    {
      sub: 'developer2',
      email: 'developer2@example.com',
      name: 'Devin Second',
      password: credentials.developer2.password,
      roles: [],
    },
    {
      sub: 'admin',
      email: 'admin@example.com',
      name: 'Avery Admin',
      password: credentials.admin.password,
      roles: ['admin'],
    },
  ]);
  t.same(options.clients, [
    {
      clientId: 'backend-services-portal',
      clientSecret: env.DEV_IDP_CLIENT_SECRET,
      redirectUris: [REDIRECT_URI, `${PORTAL}/other-callback`],
      postLogoutRedirectUris: [POST_LOGOUT_REDIRECT_URI],
    },
  ]);
  t.equal(options.issuer, 'http://localhost:3001');
  t.equal(options.accessTokenAudience, `${PORTAL}/api`);
  t.notOk('port' in options, 'the port comes from the issuer');
});

t.test('lists every configuration problem at once without echoing secrets', async (t) => {
  const { file } = await credentialsFile(t);
  await writeFile(file, JSON.stringify({ developer: { email: 'developer@example.com' } }));
  const failure = await loadDevIdpConfig({
    DEV_IDP_ISSUER: 'http://localhost:3001/realms/x',
    DEV_IDP_CREDENTIALS_FILE: file,
    DEV_IDP_CLIENT_SECRET: 'top-secret-value',
    DEV_IDP_REDIRECT_URIS: 'not a url',
    DEV_IDP_PORT: '70000',
  }).catch((error: unknown) => error);
  t.type(failure, DevIdpConfigError);
  const { problems, message } = failure as DevIdpConfigError;
  t.match(problems, [
    /^DEV_IDP_ISSUER: must be an http\(s\) origin/,
    /^DEV_IDP_PORT: /,
    /^DEV_IDP_CLIENT_ID: is required/,
    /^DEV_IDP_REDIRECT_URIS: must be comma-separated/,
    /^DEV_IDP_POST_LOGOUT_REDIRECT_URIS: is required/,
    /"developer" must have an e-mail address and a password/,
  ]);
  t.notMatch(message, /top-secret-value/);
  await t.rejects(loadDevIdpConfig({ ...environment(join(file, 'missing')) }), { message: /cannot be read/ });
});

t.test('runs as a process: prints its issuer, signs the admin in, stops on SIGTERM', async (t) => {
  const { file, credentials } = await credentialsFile(t);
  const env = { ...environment(file), DEV_IDP_PORT: '0' };
  const child = spawn(process.execPath, ['--import', 'tsx', BIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  const issuer = /^dev identity provider listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1];
  t.ok(issuer, first);

  const config = await relyingParty(issuer ?? '', {
    clientId: env.DEV_IDP_CLIENT_ID,
    clientSecret: env.DEV_IDP_CLIENT_SECRET,
  });
  const { tokens } = await signIn(config, credentials.admin);
  t.match(tokens.claims(), { sub: 'admin', email: 'admin@example.com', name: 'Avery Admin', roles: ['admin'] });

  child.kill('SIGTERM');
  t.equal(await exited, 0);
  t.match(stderr, /SIGTERM, stopping/);
  t.notMatch(stderr, /oidc-provider WARNING/, 'no warnings from oidc-provider');
});
