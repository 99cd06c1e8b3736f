import { randomBytes, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { createDb, createOwnDatabase, type Database } from '../src/index.ts';
import * as environmentCredentials from '../src/migrations/2026-12-05-0014-environment-credentials.ts';

/** A migrated database of its own: this suite migrates down and up again, which others must not see. */
async function isolatedDb(t: Test): Promise<Kysely<Database>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const own = await createOwnDatabase(url, 'payerbox_credentials');
  const db = createDb({ databaseUrl: own.url, poolSize: 1 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return db;
}

t.test(
  'a client-secret service active before the migration keeps its secret in production, already retrieved',
  async (t) => {
    const db = await isolatedDb(t);
    await environmentCredentials.down(db);
    const userId = randomUUID();
    await sql`insert into users (id, email, name, role) values (${userId}, ${`${userId}@test.example`}, 'Old', 'developer')`.execute(
      db,
    );
    const ciphertext = randomBytes(60);
    const insert = async (status: string, authMethod: string, sealed: Buffer | null) => {
      const id = randomUUID();
      await sql`
        insert into backend_services (id, client_id, owner_id, name, auth_method, jwks_uri, scope_version, scopes, status,
                                      client_secret_ciphertext, client_secret_key_id, client_secret_issued_at)
        values (${id}, ${`bs-${id}`}, ${userId}, 'Old', ${authMethod},
                ${authMethod === 'jwks_uri' ? 'https://keys.example/jwks.json' : null}, 'v2', '{system/Patient.rs}',
                ${status}, ${sealed}, ${sealed && 'k1'}, ${sealed && new Date('2026-11-30T10:00:00.123Z')})`.execute(
        db,
      );
      return id;
    };
    const active = await insert('active', 'client_secret', ciphertext);
    const draft = await insert('draft', 'client_secret', randomBytes(60));
    const keySet = await insert('active', 'jwks_uri', null);

    await environmentCredentials.up(db);
    const row = (id: string) =>
      db
        .selectFrom('backendServices')
        .select([
          'productionSecretCiphertext',
          'productionSecretKeyId',
          'productionSecretIssuedAt',
          'productionSecretRetrievedAt',
          'productionSecretShared',
          'productionJwksUri',
        ])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const migrated = await row(active);
    t.same(migrated.productionSecretCiphertext, ciphertext, 'the same sealed secret');
    t.equal(migrated.productionSecretKeyId, 'k1');
    t.same(migrated.productionSecretIssuedAt, new Date('2026-11-30T10:00:00.123Z'));
    t.ok(migrated.productionSecretRetrievedAt, 'its owner has it already');
    t.equal(migrated.productionSecretShared, true, 'sealed as the sandbox secret was');
    t.equal(migrated.productionJwksUri, null);
    t.match(await row(draft), { productionSecretCiphertext: null, productionSecretShared: false }, 'a draft gets none');
    t.match(await row(keySet), { productionSecretCiphertext: null }, 'a JWKS service gets none');
  },
);

t.test('a pending cutover always holds its next secret, and a JWKS service holds no production secret', async (t) => {
  const db = await isolatedDb(t);
  const userId = randomUUID();
  await sql`insert into users (id, email, name, role) values (${userId}, ${`${userId}@test.example`}, 'New', 'developer')`.execute(
    db,
  );
  const id = randomUUID();
  await sql`
    insert into backend_services (id, client_id, owner_id, name, auth_method, jwks_uri, scope_version, scopes, status)
    values (${id}, ${`bs-${id}`}, ${userId}, 'New', 'jwks_uri', 'https://keys.example/jwks.json', 'v2',
            '{system/Patient.rs}', 'active')`.execute(db);
  await t.rejects(
    sql`update backend_services set secret_cutover_started_at = now() where id = ${id}`.execute(db),
    /backend_services_pending_cutover_has_next_secret/,
  );
  await t.rejects(
    sql`update backend_services set production_secret_ciphertext = '\\x00', production_secret_key_id = 'k1'
        where id = ${id}`.execute(db),
    /backend_services_production_secret_matches_method/,
  );
});
