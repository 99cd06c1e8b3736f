import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type AuthMethod, createDb, type ScopeVersionColumn } from '@payerbox/db';
import { buildApp, loadConfig } from '@payerbox/registration';
import { createApiToken } from '@payerbox/registration/api-tokens/service';
import { upsertUserByEmail } from '@payerbox/registration/users/repository';
import { generateKeyringSpec } from '@payerbox/secret-box';
import Fastify from 'fastify';

type HttpApp = Awaited<ReturnType<typeof buildApp>>;

/** A running HTTP server the load generator aims at. */
export interface Target {
  readonly name: 'ours' | 'baseline';
  readonly baseUrl: string;
  /** Sent with every request (credentials). */
  readonly headers: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** The registration API and what the benchmark needs inside it: a developer, a token, a pool size. */
export interface OurTarget extends Target {
  readonly ownerId: string;
  readonly poolSize: number;
}

/** The fields of a create request that the baseline copies into its insert. */
export interface ServiceInput {
  readonly name: string;
  readonly authMethod: AuthMethod;
  readonly scopeVersion: ScopeVersionColumn;
  readonly scopes: readonly string[];
}

export const API_PREFIX = '/api/v1';
const HOST = '127.0.0.1';

async function listen(app: HttpApp): Promise<string> {
  await app.listen({ host: HOST, port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return `http://${HOST}:${port}`;
}

/** The real registration API (all plugins, auth, schemas), with a fresh developer and API token. */
export async function startOurs(databaseUrl: string): Promise<OurTarget> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    HOST,
    PORT: '0',
    SECRET_ENCRYPTION_KEYS: generateKeyringSpec(),
    SANDBOX_AIDBOX_PUBLIC_URL: 'http://127.0.0.1:1',
    PRODUCTION_AIDBOX_PUBLIC_URL: 'http://127.0.0.1:2',
  });
  const app = await buildApp(config);
  try {
    const email = `bench-${randomBytes(6).toString('hex')}@bench.example`;
    const user = await upsertUserByEmail(app.db, { email, name: 'Bench Developer', role: 'developer' });
    const { token } = await createApiToken(
      app.db,
      user.id,
      { name: 'bench', expiresInDays: 1 },
      config.apiTokenMaxDays,
    );
    return {
      name: 'ours',
      baseUrl: await listen(app),
      headers: { authorization: `Bearer ${token}` },
      ownerId: user.id,
      poolSize: config.databasePoolSize,
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/**
 * The floor to compare with: bare Fastify (no auth, no schemas) over the same pool size, doing only the primary-key
 * select and the single insert that the two measured operations need at their core.
 */
export async function startBaseline(databaseUrl: string, poolSize: number, ownerId: string): Promise<Target> {
  const db = createDb({ databaseUrl, poolSize });
  const app = Fastify({ logger: false });
  app.addHook('onClose', () => db.destroy());

  app.get(`${API_PREFIX}/backend-services/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = await db
      .selectFrom('backendServices')
      .selectAll()
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
    return row ?? reply.code(404).send();
  });

  app.post(`${API_PREFIX}/backend-services`, async (request, reply) => {
    const input = request.body as ServiceInput;
    const row = await db
      .insertInto('backendServices')
      .values({
        // Random v4 instead of the API's v7: the index stays small enough during a run for the order not to matter.
        id: randomUUID(),
        clientId: `bs-${randomBytes(16).toString('hex')}`,
        ownerId,
        name: input.name,
        authMethod: input.authMethod,
        scopeVersion: input.scopeVersion,
        scopes: [...input.scopes],
        status: 'draft',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return reply.code(201).send(row);
  });

  try {
    return { name: 'baseline', baseUrl: await listen(app), headers: {}, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
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
