import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, createOwnDatabase, type Database } from '@payerbox/db';
import { createKeySetFetcher, type JwksCheckContext } from '@payerbox/key-set-check';
import type { Kysely } from 'kysely';
import type { Test } from 'tap';

/** A migrated database of this suite's own: the re-check claims every due service, and must see only this suite's. */
export async function ownDb(t: Test): Promise<Kysely<Database>> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const own = await createOwnDatabase(serverUrl, 'payerbox_recheck');
  const db = createDb({ databaseUrl: own.url, poolSize: 4 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return db;
}

/** A key set server on loopback: each path serves a valid RS384 key set until told to fail, and counts its requests. */
export interface KeySetServer {
  /** A URL of its own, healthy at first. */
  url(): string;
  /** From now on `url` answers HTTP 500 (`true`) or its key set again (`false`). */
  failing(url: string, failing: boolean): void;
  /** Requests `url` received. */
  hits(url: string): number;
}

export async function startKeySetServer(t: Test): Promise<KeySetServer> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keySet = JSON.stringify({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS384', use: 'sig' }],
  });
  const failingPaths = new Set<string>();
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (failingPaths.has(path)) {
      response.writeHead(500).end('broken');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(keySet);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => new URL(url).pathname;
  return {
    url: () => `${base}/${randomUUID()}/jwks.json`,
    failing(url, failing) {
      if (failing) failingPaths.add(pathOf(url));
      else failingPaths.delete(pathOf(url));
    },
    hits: (url) => hits.get(pathOf(url)) ?? 0,
  };
}

/** The live check as the notifier runs it, with loopback allowed and both environments advertising RS384. */
export function loopbackCheck(): JwksCheckContext {
  return {
    safeFetch: createKeySetFetcher({ allowLoopback: true }),
    advertisedAlgorithms: async () => ({ sandbox: ['RS384'], production: ['RS384'] }),
  };
}

/** An owner and their service with a key set, Active unless told otherwise. */
export async function insertKeySetService(
  db: Kysely<Database>,
  service: {
    readonly jwksUri: string;
    readonly productionJwksUri?: string;
    readonly status?: 'active' | 'rejected';
  },
): Promise<{ readonly ownerId: string; readonly serviceId: string }> {
  const ownerId = randomUUID();
  await db
    .insertInto('users')
    .values({ id: ownerId, email: `${ownerId}@test.example`, name: 'Key set owner', role: 'developer' })
    .execute();
  const serviceId = randomUUID();
  await db
    .insertInto('backendServices')
    .values({
      id: serviceId,
      clientId: `bs-${serviceId}`,
      ownerId,
      name: `Claims sync ${serviceId.slice(0, 6)}`,
      authMethod: 'jwks_uri',
      jwksUri: service.jwksUri,
      productionJwksUri: service.productionJwksUri ?? null,
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
      status: service.status ?? 'active',
    })
    .execute();
  return { ownerId, serviceId };
}
