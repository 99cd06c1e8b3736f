// The two HTTP servers the API benchmark compares, each in a process of its own (as deployed, and so that the
// load generator and the harness do not share their CPU time or memory): the registration service as its image runs
// it, and the bare baseline.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '@payerbox/db';
import { createApiToken, upsertUserByEmail } from '@payerbox/registration/test-support';
import { generateKeyringSpec } from '@payerbox/secret-box';
import { API_PREFIX, type ServiceInput } from './bench-api.ts';
import { freePort } from './embedded-postgres.ts';
import { REPO_ROOT } from './paths.ts';
import { type ManagedProcess, peakRssMb, runProcess, waitForHttp } from './processes.ts';
import { UNMET_RATE_LIMITS } from './unmet-rate-limits.ts';

export { API_PREFIX, type ServiceInput };

/** A running HTTP server the load generator aims at. */
export interface Target {
  readonly name: 'ours' | 'baseline';
  readonly baseUrl: string;
  /** Sent with every request (credentials). */
  readonly headers: Readonly<Record<string, string>>;
  /** The process's peak resident set so far, in MB. */
  peakRssMb(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The registration API and what the benchmark needs inside it: a developer, a token, a pool size. */
export interface OurTarget extends Target {
  readonly ownerId: string;
  readonly poolSize: number;
}

const HOST = '127.0.0.1';
const POOL_SIZE = 10;
const run = promisify(execFile);

/** Where {@link bundleService} puts a service's bundle (relative to the repository). */
export function bundlePath(service: 'registration' | 'provisioner'): string {
  return `services/${service}/dist/server.mjs`;
}

/** Bundles a service the way its container image does and answers the bundle's path. */
export async function bundleService(service: 'registration' | 'provisioner'): Promise<string> {
  await run(process.execPath, [join(REPO_ROOT, 'infra/build/bundle-service.mjs')], {
    cwd: join(REPO_ROOT, 'services', service),
  });
  return bundlePath(service);
}

async function serve(
  name: Target['name'],
  entry: string,
  env: Record<string, string>,
  healthPath: string,
): Promise<{ process: ManagedProcess; baseUrl: string }> {
  const port = await freePort();
  const child = runProcess(name, entry, { ...env, PORT: String(port) });
  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitForHttp(`${baseUrl}${healthPath}`, child);
    return { process: child, baseUrl };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** A developer with an API token, written straight into the database the targets share. */
async function benchDeveloper(databaseUrl: string): Promise<{ id: string; token: string }> {
  const db = createDb({ databaseUrl, poolSize: 1 });
  try {
    const email = `bench-${randomBytes(6).toString('hex')}@bench.example`;
    const user = await upsertUserByEmail(db, { email, name: 'Bench Developer', role: 'developer' });
    const { token } = await createApiToken(db, user.id, { name: 'bench', expiresInDays: 1 }, 1);
    return { id: user.id, token };
  } finally {
    await db.destroy();
  }
}

/**
 * The real registration service (all plugins, auth, schemas) on a migrated database, and a developer; by default from
 * the bundle {@link bundleService} made.
 */
export async function startOurs(databaseUrl: string, entry = bundlePath('registration')): Promise<OurTarget> {
  const developer = await benchDeveloper(databaseUrl);
  const { process: server, baseUrl } = await serve(
    'ours',
    entry,
    {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      LOG_LEVEL: 'warn',
      HOST,
      SECRET_ENCRYPTION_KEYS: generateKeyringSpec(),
      SANDBOX_AIDBOX_PUBLIC_URL: 'http://127.0.0.1:1',
      PRODUCTION_AIDBOX_PUBLIC_URL: 'http://127.0.0.1:2',
      ...UNMET_RATE_LIMITS,
    },
    '/api/health',
  );
  return {
    name: 'ours',
    baseUrl,
    headers: { authorization: `Bearer ${developer.token}` },
    ownerId: developer.id,
    poolSize: POOL_SIZE,
    peakRssMb: () => peakRssMb(server),
    close: () => server.stop(),
  };
}

/** The floor to compare with (bench-baseline-server.ts), over the same pool size. */
export async function startBaseline(databaseUrl: string, poolSize: number, ownerId: string): Promise<Target> {
  const { process: server, baseUrl } = await serve(
    'baseline',
    'packages/dev-stack/src/bench-baseline-server.ts',
    { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(poolSize), OWNER_ID: ownerId },
    '/health',
  );
  return {
    name: 'baseline',
    baseUrl,
    headers: {},
    peakRssMb: () => peakRssMb(server),
    close: () => server.stop(),
  };
}

/** Registers a service through the real API and returns its id (the GET scenarios read it). */
export async function createServiceThrough(target: Target, input: ServiceInput): Promise<string> {
  const response = await fetch(`${target.baseUrl}${API_PREFIX}/backend-services`, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`creating the benchmark service failed: ${response.status} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}
