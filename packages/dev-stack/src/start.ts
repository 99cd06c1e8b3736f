// The start command: the whole portal on one machine with embedded defaults (development mode): PostgreSQL, two Aidbox
// emulators (sandbox and production), the provisioner, a development mail server (maildev) with the notifier that
// e-mails into it, and the registration API.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// Only the portal's Aidbox settings: the emulators themselves run as processes of their own.
import {
  organizationReaderEnv,
  type PortalAidbox,
  type PortalEnvironment,
  portalInitBundle,
  provisionerAidboxEnv,
  SAMPLE_GROUP_IDS,
} from '@payerbox/aidbox-emulator/portal-aidbox';
import { createDb } from '@payerbox/db';
import { buildApp, ConfigError, loadConfig } from '@payerbox/registration';
import { MailDev } from 'maildev';
import { developmentDatabase } from './database.ts';
import { developmentKeyring } from './dev-secrets.ts';
import { seedDevelopmentAccounts } from './dev-seed.ts';
import { DATA_DIR } from './paths.ts';
import { type ManagedProcess, runProcess, waitForHttp } from './processes.ts';
import { ensureSpaBuilt } from './spa-build.ts';

const EMULATOR_ENTRY = 'packages/aidbox-emulator/src/bin/emulator.ts';
const IDENTITY_PROVIDER_ENTRY = 'packages/dev-identity-provider/src/bin/dev-identity-provider.ts';
const PROVISIONER_ENTRY = 'services/provisioner/src/server.ts';
const NOTIFIER_ENTRY = 'services/notifier/src/server.ts';

function port(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const database = await developmentDatabase(process.env.DATABASE_URL, join(DATA_DIR, 'postgres'));
  const secretKeys = await developmentKeyring(DATA_DIR);
  cleanups.push(() => database.release());
  // Every e-mail the portal sends lands in maildev's inbox (web and HTTP API), never in a real mailbox. It stops after
  // the children (cleanups run in reverse), so the notifier finishes its deliveries into it.
  const mail = { smtp: port('MAILDEV_SMTP_PORT', 1025), web: port('MAILDEV_WEB_PORT', 1080) };
  const maildev = new MailDev({ smtp: mail.smtp, web: mail.web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  await maildev.start();
  cleanups.push(() => maildev.stop());
  const inboxUrl = `http://localhost:${mail.web}`;
  const children: ManagedProcess[] = [];
  // The provisioner stops before the emulators, so it finishes its jobs while they still answer.
  cleanups.push(async () => {
    for (const child of [...children].reverse()) await child.stop();
  });

  // What each emulator advertises and accepts for client assertions: the sandbox both RS384 and ES384 (as Payerbox
  // documents), production RS384 only (as Aidbox documents), so that a key set is judged per environment as it would
  // be against a licensed Aidbox. SANDBOX_ / PRODUCTION_AIDBOX_ASSERTION_ALGORITHMS (e.g. "RS384,ES384") change them.
  const assertionAlgorithms = {
    sandbox: process.env.SANDBOX_AIDBOX_ASSERTION_ALGORITHMS ?? 'RS384,ES384',
    production: process.env.PRODUCTION_AIDBOX_ASSERTION_ALGORITHMS ?? 'RS384',
  };
  // The emulators keep their state in memory and start empty: every environment the database knows is re-provisioned.
  // Each runs the init bundle docker-compose.yml gives a real Aidbox, with fresh secrets for the portal's clients; the
  // root secret is thrown away, as nothing in the portal uses root.
  const aidboxUrls = {
    sandbox: `http://localhost:${port('SANDBOX_AIDBOX_PORT', 8081)}`,
    production: `http://localhost:${port('PRODUCTION_AIDBOX_PORT', 8082)}`,
  };
  const aidbox = {} as Record<PortalEnvironment, PortalAidbox>;
  // OrgBAC only in production, as Health Samurai runs it (aidbox-docs
  // `docs/solutions/aidbox-+-fhir-app-portal/getting-started/run-aidbox-+-fhir-portal-locally.md`): the sandbox has
  // no organization bases, and production has them when the portal uses organizations (ORGBAC_ENABLED=true).
  const orgbac = { sandbox: false, production: process.env.ORGBAC_ENABLED === 'true' };
  for (const environment of ['sandbox', 'production'] as const) {
    const url = aidboxUrls[environment];
    const { initBundle, credentials } = portalInitBundle(environment);
    const emulator = runProcess(`aidbox-${environment}`, EMULATOR_ENTRY, {
      EMULATOR_NAME: environment,
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_PORT: new URL(url).port,
      EMULATOR_BASE_URL: url,
      EMULATOR_ADMIN_CLIENT_SECRET: randomBytes(24).toString('base64url'),
      EMULATOR_INIT_BUNDLE: initBundle.path,
      ...initBundle.variables,
      EMULATOR_ORGBAC: String(orgbac[environment]),
      EMULATOR_ASSERTION_ALGORITHMS: assertionAlgorithms[environment],
    });
    children.push(emulator);
    await waitForHttp(`${url}/health`, emulator);
    aidbox[environment] = { url, ...credentials };
  }

  const seedDb = createDb({ databaseUrl: database.url, poolSize: 1 });
  const credentialsFile = join(DATA_DIR, 'dev-credentials.json');
  const credentials = await seedDevelopmentAccounts(seedDb, credentialsFile);
  await seedDb.updateTable('serviceEnvironments').set({ verifiedAt: null }).execute();
  await seedDb.destroy();
  // Beside the demo accounts, the portal's own Aidbox credentials, to call the emulators as the portal does.
  await writeFile(credentialsFile, `${JSON.stringify({ ...credentials, aidbox }, null, 2)}\n`, { mode: 0o600 });

  children.push(
    runProcess('provisioner', PROVISIONER_ENTRY, {
      DATABASE_URL: database.url,
      SECRET_ENCRYPTION_KEYS: secretKeys,
      LOG_LEVEL: process.env.PROVISIONER_LOG_LEVEL ?? 'info',
      ...provisionerAidboxEnv(aidbox),
      RESYNC_INTERVAL_MS: '30000',
    }),
  );

  // The development identity provider signs the demo accounts in with the passwords of the credentials file.
  const portalPort = port('PORT', 3000);
  const publicUrl = `http://localhost:${portalPort}`;
  const issuer = `http://localhost:${port('DEV_IDP_PORT', 3001)}`;
  const oidcClient = { id: 'backend-services-portal', secret: randomBytes(24).toString('base64url') };
  const audience = `${publicUrl}/api`;
  const identityProvider = runProcess('identity-provider', IDENTITY_PROVIDER_ENTRY, {
    DEV_IDP_ISSUER: issuer,
    DEV_IDP_CREDENTIALS_FILE: credentialsFile,
    DEV_IDP_CLIENT_ID: oidcClient.id,
    DEV_IDP_CLIENT_SECRET: oidcClient.secret,
    DEV_IDP_REDIRECT_URIS: `${publicUrl}/api/auth/callback`,
    DEV_IDP_POST_LOGOUT_REDIRECT_URIS: `${publicUrl}/,${publicUrl}/admin/`,
    DEV_IDP_ACCESS_TOKEN_AUDIENCE: audience,
  });
  children.push(identityProvider);
  await waitForHttp(`${issuer}/.well-known/openid-configuration`, identityProvider);

  children.push(
    runProcess('notifier', NOTIFIER_ENTRY, {
      DATABASE_URL: database.url,
      LOG_LEVEL: process.env.NOTIFIER_LOG_LEVEL ?? 'info',
      PUBLIC_URL: publicUrl,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(mail.smtp),
      // maildev on loopback speaks plain SMTP; a real server takes SMTP_TLS=starttls or tls (services/notifier).
      SMTP_TLS: 'none',
      MAIL_FROM: 'Payerbox portal <no-reply@payerbox.localhost>',
      // The portal's keyring (webhook signing secrets) and its development loopback allowance, for local receivers.
      SECRET_ENCRYPTION_KEYS: secretKeys,
      ALLOW_LOOPBACK_JWKS: 'true',
      // The key set re-check reads what each emulator advertises, as the portal does.
      SANDBOX_AIDBOX_URL: aidboxUrls.sandbox,
      PRODUCTION_AIDBOX_URL: aidboxUrls.production,
    }),
  );

  // Built now (only when their sources changed) so that the portal serves what is in the working tree.
  const spaDirs = { developer: await ensureSpaBuilt('developer'), admin: await ensureSpaBuilt('admin') };
  const config = loadConfig({
    ...(spaDirs.developer && { DEVELOPER_APP_DIR: spaDirs.developer }),
    ...(spaDirs.admin && { ADMIN_APP_DIR: spaDirs.admin }),
    SECRET_ENCRYPTION_KEYS: secretKeys,
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER_URL: issuer,
    OIDC_CLIENT_ID: oidcClient.id,
    OIDC_CLIENT_SECRET: oidcClient.secret,
    OIDC_AUDIENCE: audience,
    SANDBOX_AIDBOX_PUBLIC_URL: aidboxUrls.sandbox,
    PRODUCTION_AIDBOX_PUBLIC_URL: aidboxUrls.production,
    // The Groups the sandbox emulator seeds, shown to developers for group-level bulk exports.
    SANDBOX_SAMPLE_GROUP_IDS: SAMPLE_GROUP_IDS.join(','),
    ...process.env,
    PORTAL_MODE: 'development',
    DATABASE_URL: database.url,
    // With ORGBAC_ENABLED=true (passed through from the environment) the organizations come from the production
    // emulator, read as the portal's read-only client.
    ...organizationReaderEnv(aidbox.production),
  });
  const app = await buildApp(config);
  cleanups.push(() => app.close());
  await app.listen({ host: config.host, port: config.port });
  const base = `http://localhost:${config.port}`;
  console.log(
    [
      '',
      'Payerbox Backend Services portal (development mode)',
      ...(config.spaDirs.developer ? [`  Developer portal  ${base}/`] : []),
      ...(config.spaDirs.admin ? [`  Admin portal      ${base}/admin/`] : []),
      `  API               ${base}/api/v1`,
      `  API docs          ${base}/api/docs`,
      `  OpenAPI           ${base}/api/openapi.json`,
      `  Sign in           ${base}/api/auth/login (development identity provider at ${issuer})`,
      `  Aidbox sandbox    ${aidboxUrls.sandbox} (emulator; assertions signed with ${assertionAlgorithms.sandbox})`,
      `  Aidbox production ${aidboxUrls.production} (emulator; assertions signed with ${assertionAlgorithms.production})`,
      `  Mail inbox        ${inboxUrl} (maildev: every e-mail the portal sends; SMTP on localhost:${mail.smtp})`,
      `  Organizations     ${config.orgbac ? `OrgBAC on in production: read from ${aidboxUrls.production}; the sandbox runs without` : 'OrgBAC off (ORGBAC_ENABLED=true turns it on in production)'}`,
      `  Database          ${database.description}`,
      '',
      `Demo accounts (also in ${credentialsFile}):`,
      ...Object.entries(credentials).map(
        ([who, c]) => `  ${who.padEnd(11)} ${c.email.padEnd(24)} password ${c.password}  API token ${c.apiToken}`,
      ),
      '',
      `Try: curl -H "Authorization: Bearer ${credentials.developer.apiToken}" ${base}/api/v1/me`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

/** Undone in reverse order at exit, whether the start completed or failed half-way. */
const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  }
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  await stop(1);
});
