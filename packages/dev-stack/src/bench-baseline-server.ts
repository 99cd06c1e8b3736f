// The benchmark's floor, in a process of its own like the registration service: bare Fastify (no auth, no schemas,
// no hooks) over a pool of the same size, doing only the primary-key select and the single insert that the two
// measured operations need at their core. Configured by DATABASE_URL, PORT, DATABASE_POOL_SIZE and OWNER_ID.
import { randomBytes, randomUUID } from 'node:crypto';
import { createDb } from '@payerbox/db';
import Fastify from 'fastify';
import { API_PREFIX, type ServiceInput } from './bench-api.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const ownerId = required('OWNER_ID');
const db = createDb({ databaseUrl: required('DATABASE_URL'), poolSize: Number(required('DATABASE_POOL_SIZE')) });
const app = Fastify({ logger: false });
app.addHook('onClose', () => db.destroy());

app.get('/health', async () => ({ status: 'ok' }));

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

process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
await app.listen({ host: '127.0.0.1', port: Number(required('PORT')) });
