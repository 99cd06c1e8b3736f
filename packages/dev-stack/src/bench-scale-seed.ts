import type { Database } from '@payerbox/db';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';

// Synthetic services for the scale benchmark, generated inside PostgreSQL (insert … select … from generate_series).
// Service number k (1, 2, …) is a pure function of k, so the table grows from one size to the next by adding the
// numbers in between: each is created one minute after the previous one, from SEED_EPOCH on, so later numbers are
// newer (at the head of the list) and the heap is in id order, as it is for a table that grew over time.

/** Services per owner, on average. */
export const SERVICES_PER_OWNER = 20;
/** In every service's name: the unselective search term. */
export const NAME_WORD = 'service';
const SEED_EPOCH = '2024-01-01T00:00:00Z';

const VENDORS = [
  'Acme',
  'Northwind',
  'Contoso',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Gringotts',
  'Monarch',
];
const DOMAINS = ['Claims', 'Eligibility', 'Prior Auth', 'Billing', 'Pharmacy', 'Provider Directory', 'Care Gaps'];
const FIRST_NAMES = [
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Olga',
  'Carlos',
  'Priya',
  'Tom',
  'Fatima',
  'Kenji',
  'Lena',
  'Omar',
];
const LAST_NAMES = [
  'Garcia',
  'Smith',
  'Okafor',
  'Chen',
  'Ivanova',
  'Silva',
  'Patel',
  'Brown',
  'Haddad',
  'Tanaka',
  'Novak',
];
const TOP_LEVEL_DOMAINS = ['com', 'org', 'health', 'io'];

/** The element of `list` that `index` (an SQL integer) picks, round robin. */
const pick = (list: readonly string[], index: RawBuilder<unknown>) =>
  sql<string>`(${sql.val(list)}::text[])[1 + (${index}) % ${list.length}]`;

/**
 * The status of service k: 1 % under review (with a submission time, which the review queue's check requires),
 * 4 % rejected, 35 % drafts and 60 % active.
 */
const STATUS_OF_K = sql<string>`case
  when k % 100 = 0 then 'under_review'
  when k % 100 < 5 then 'rejected'
  when k % 100 < 40 then 'draft'
  else 'active' end`;

/**
 * Owner j's id, name and e-mail (like maria.garcia17@acme.health: words that many e-mails share, and a number that
 * makes it unique), shared by the user rows and the services that point at them.
 */
const ownerId = (j: RawBuilder<unknown>) => sql`md5('owner' || (${j}))::uuid`;
const firstName = (j: RawBuilder<unknown>) => pick(FIRST_NAMES, j);
const lastName = (j: RawBuilder<unknown>) => pick(LAST_NAMES, sql`${j} / ${FIRST_NAMES.length}`);
const ownerEmail = (j: RawBuilder<unknown>) =>
  sql<string>`lower(${firstName(j)} || '.' || ${lastName(j)}) || ${j} || '@' || lower(${pick(VENDORS, sql`${j} / 7`)})
    || '.' || ${pick(TOP_LEVEL_DOMAINS, sql`${j} / 3`)}`;

export function ownerCount(services: number): number {
  return Math.ceil(services / SERVICES_PER_OWNER);
}

async function insertOwners(db: Kysely<Database>, from: number, to: number): Promise<void> {
  const j = sql.ref('j');
  await sql`
    insert into users (id, email, name, role, created_at, updated_at)
    select ${ownerId(j)}, ${ownerEmail(j)}, ${firstName(j)} || ' ' || ${lastName(j)}, 'developer', ${SEED_EPOCH}::timestamptz, ${SEED_EPOCH}::timestamptz
    from generate_series(${ownerCount(from) + 1}::int, ${ownerCount(to)}::int) as j`.execute(db);
}

/**
 * Services `from + 1` to `to`: a UUIDv7 made of the creation minute and md5 bits, a client id shaped like the API's
 * (`bs-` and 32 hex digits), a name of words and the number, and an owner picked by hash among the owners so far.
 */
async function insertServices(db: Kysely<Database>, from: number, to: number): Promise<void> {
  const k = sql.ref('k');
  await sql`
    insert into backend_services (id, client_id, owner_id, name, auth_method, scope_version, scopes, status,
      submitted_at, reviewed_at, created_at, updated_at)
    select
      (lpad(to_hex((extract(epoch from created) * 1000)::bigint), 12, '0') || '7' || substr(bits, 1, 3) || '8'
        || substr(bits, 4, 15))::uuid,
      'bs-' || md5('client' || k),
      ${ownerId(sql`1 + abs(hashint4(k)::bigint) % ${ownerCount(to)}`)},
      ${pick(VENDORS, k)} || ' ' || ${pick(DOMAINS, sql`k / ${VENDORS.length}`)}
        || ${` ${NAME_WORD} `}::text || k,
      'client_secret', 'v2', array['system/Patient.rs'], status,
      case when status <> 'draft' then created + interval '1 hour' end,
      case when status in ('active', 'rejected') then created + interval '2 hours' end,
      created, created
    from generate_series(${from + 1}::int, ${to}::int) as k,
      lateral (select ${SEED_EPOCH}::timestamptz + k * interval '1 minute' as created,
        md5('service' || k) as bits, ${STATUS_OF_K} as status) as derived
    order by k`.execute(db);
}

/** A sandbox client for every new service, and a production client for the active ones. */
async function insertEnvironments(db: Kysely<Database>, since: string): Promise<void> {
  await sql`
    insert into service_environments (service_id, environment, state, provisioned_at, updated_at)
    select id, environment, 'ready', created_at, created_at
    from backend_services,
      lateral unnest(case when status = 'active' then array['sandbox', 'production'] else array['sandbox'] end)
        as environment
    where created_at > ${since}::timestamptz`.execute(db);
}

/** The creation time of service k. */
function createdAt(k: number): string {
  return new Date(Date.parse(SEED_EPOCH) + k * 60_000).toISOString();
}

const INSUFFICIENT_PRIVILEGE = '42501';
const SEEDED_TABLES = ['users', 'backend_services', 'service_environments'] as const;

/**
 * Runs `load` with the seeded tables' secondary indexes (those that back no constraint) dropped, then builds them
 * again from their own definitions: one build after the load is several times faster than maintaining them row by
 * row, the trigram indexes most of all. The indexes behind keys and unique constraints stay and check every row.
 */
async function withoutSecondaryIndexes(trx: Transaction<Database>, load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition from pg_index
    where indrelid = any(${sql.val(SEEDED_TABLES)}::regclass[])
      and not exists (select from pg_constraint where conindid = indexrelid)`.execute(trx);
  for (const index of indexes) await sql`drop index ${sql.raw(index.name)}`.execute(trx);
  await load();
  await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
  for (const index of indexes) await sql.raw(index.definition).execute(trx);
}

/** Grows the seeded services from `from` to `to` (owners and environments included), in one transaction. */
export async function growServices(db: Kysely<Database>, from: number, to: number): Promise<void> {
  await db.transaction().execute((trx) =>
    withoutSecondaryIndexes(trx, async () => {
      await insertOwners(trx, from, to);
      await insertServices(trx, from, to);
      await insertEnvironments(trx, createdAt(from));
    }),
  );
}

/**
 * Leaves the tables as a long-lived database would have them before the cases are timed: fresh statistics and
 * visibility map (vacuum analyze), and the seeded pages written out by a checkpoint, so that the checkpointer does
 * not write a million rows while requests are measured. CHECKPOINT needs a superuser or pg_checkpoint; a role
 * without either skips it.
 */
export async function settle(db: Kysely<Database>): Promise<void> {
  for (const table of SEEDED_TABLES) {
    await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
  }
  await sql`checkpoint`.execute(db).catch((error: unknown) => {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
  });
}

/** A seeded service and what the searches for it use. */
export interface SeededService {
  readonly id: string;
  readonly clientId: string;
  readonly ownerEmail: string;
}

/** Seeded service number k. */
export async function seededService(db: Kysely<Database>, k: number): Promise<SeededService> {
  return db
    .selectFrom('backendServices')
    .innerJoin('users', 'users.id', 'backendServices.ownerId')
    .select(['backendServices.id', 'backendServices.clientId', 'users.email as ownerEmail'])
    .where('backendServices.clientId', '=', sql<string>`'bs-' || md5('client' || ${k})`)
    .executeTakeFirstOrThrow();
}
