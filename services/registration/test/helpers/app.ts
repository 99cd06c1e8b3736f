import { randomBytes } from 'node:crypto';
import { type AidboxEmulator, startAidboxEmulator } from '@payerbox/aidbox-emulator';
import type { UserRole } from '@payerbox/db';
import { generateKeyringSpec } from '@payerbox/secret-box';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import tap, { type Test } from 'tap';
import { type BuildOptions, buildApp, loadConfig } from '../../src/app.ts';
import { createApiToken } from '../../src/modules/api-tokens/service.ts';
import { upsertUserByEmail } from '../../src/modules/users/repository.ts';
import { testResolver } from './jwks-server.ts';

/** One key for the whole test file, so that apps built by one test can read secrets sealed by another. */
export const TEST_KEYRING = generateKeyringSpec('test');

/** The migrated database the test runner provides (packages/dev-stack/src/run-tests.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`, which provides a database');
  return url;
}

/** Development mode: JWKS URIs may point at the loopback key set server of the test. */
export const DEVELOPMENT = { PORTAL_MODE: 'development' } as const;

/**
 * Per-address limits no test meets by accident: every suite's requests come from 127.0.0.1 and count in the one
 * database the suites share, in parallel. The per-user write limit stays the product's (each test has its own users).
 */
export const UNMET_ADDRESS_LIMITS = {
  WRITE_RATE_LIMIT_PER_ADDRESS: '10000000',
  ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '10000000',
} as const;

/** DATABASE_PREPARED_STATEMENTS as the test run was started with, when it was. */
function preparedStatementsSetting(): { DATABASE_PREPARED_STATEMENTS?: string } {
  const value = process.env.DATABASE_PREPARED_STATEMENTS;
  return value === undefined ? {} : { DATABASE_PREPARED_STATEMENTS: value };
}

let aidboxes: Promise<{ sandbox: AidboxEmulator; production: AidboxEmulator }> | undefined;

/**
 * The Aidbox environments the app reads SMART configurations from: two emulators (advertising RS384 and ES384) shared
 * by the test file and stopped when it ends. The public URLs the tests see stay made-up names, never looked up.
 */
function sharedAidboxes() {
  aidboxes ??= (async () => {
    const adminClient = { id: 'portal-provisioner', secret: randomBytes(18).toString('base64url') };
    const started = {
      sandbox: await startAidboxEmulator({ adminClient, name: 'sandbox', seed: false }),
      production: await startAidboxEmulator({ adminClient, name: 'production', seed: false }),
    };
    tap.teardown(() => Promise.all([started.sandbox.close(), started.production.close()]));
    return started;
  })();
  return aidboxes;
}

export async function buildTestApp(
  t: Test,
  env: Record<string, string> = {},
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const { sandbox, production } = await sharedAidboxes();
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    LOG_LEVEL: 'silent',
    SECRET_ENCRYPTION_KEYS: TEST_KEYRING,
    SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.test',
    PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.test',
    SANDBOX_AIDBOX_URL: sandbox.url,
    PRODUCTION_AIDBOX_URL: production.url,
    ...UNMET_ADDRESS_LIMITS,
    // Lets a run choose plain queries for every app, as behind a transaction-mode pooler (see the README).
    ...preparedStatementsSetting(),
    ...env,
  });
  const app = await buildApp(config, { resolveHost: testResolver, ...options });
  t.teardown(() => app.close());
  return app;
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  /** Sends a request as this user through the whole Fastify stack. */
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** A fresh user with a random e-mail and a working API token (named "Test <role>" unless `name` says otherwise). */
export async function createUser(
  app: FastifyInstance,
  role: UserRole = 'developer',
  name = `Test ${role}`,
): Promise<TestUser> {
  const email = `${role}-${randomBytes(6).toString('hex')}@test.example`;
  const user = await upsertUserByEmail(app.db, { email, name, role });
  const { token } = await createApiToken(app.db, user.id, { name: 'test', expiresInDays: 1 }, 1);
  return {
    id: user.id,
    email,
    token,
    request: (method, url, body, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(body !== undefined && { payload: body as object }),
      }),
  };
}

export function serviceInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Service ${randomBytes(4).toString('hex')}`,
    authMethod: 'client_secret',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
    ...overrides,
  };
}

/** Creates a service as `owner` and returns its representation. */
export async function createService(owner: TestUser, overrides: Record<string, unknown> = {}) {
  const response = await owner.request('POST', '/api/v1/backend-services', serviceInput(overrides));
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json() as { id: string; clientId: string; version: number; status: string; [key: string]: unknown };
}
