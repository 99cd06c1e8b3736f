import type { Database } from '@payerbox/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { OrganizationEntry } from './hierarchy.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Serialises refreshes of the cache across every replica (an arbitrary constant: "orgs" in ASCII). */
const REFRESH_LOCK_KEY = 0x6f726773;
/** Rows per INSERT, well below PostgreSQL's 65535 parameters a statement. */
const INSERT_BATCH = 1000;

export interface CachedOrganizations {
  readonly entries: OrganizationEntry[];
  /** When the cached set was read from Aidbox (the start of that read); null when nothing is cached. */
  readonly refreshedAt: Date | null;
  /** Seconds since then by the database's clock (so a replica's clock skew does not matter); 0 when empty. */
  readonly ageSeconds: number;
}

/** The cached organizations, sorted by id. */
export async function readOrganizations(db: Db): Promise<CachedOrganizations> {
  const rows = await db
    .selectFrom('organizations')
    .select(['id', 'name', 'parentId', 'refreshedAt'])
    .select(sql<string>`extract(epoch from now() - refreshed_at)`.as('ageSeconds'))
    .orderBy('id')
    .execute();
  let refreshedAt: Date | null = null;
  let ageSeconds = 0;
  for (const row of rows) {
    if (!refreshedAt || row.refreshedAt > refreshedAt) refreshedAt = row.refreshedAt;
    ageSeconds = Math.max(ageSeconds, Number(row.ageSeconds));
  }
  return { entries: rows.map(({ id, name, parentId }) => ({ id, name, parentId })), refreshedAt, ageSeconds };
}

/** The database's clock: refresh times are compared with each other, never with a replica's clock. */
export async function databaseNow(db: Db): Promise<Date> {
  const result = await sql<{ now: Date }>`select now() as now`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('select now() returned nothing');
  return row.now;
}

/**
 * Replaces the whole cached set with `entries`, read from Aidbox from `readStartedAt` on, in one transaction. Under
 * an advisory lock, so concurrent refreshes (of this or another replica) do not interleave; and a refresh whose read
 * started before the one already stored keeps the stored set (it is at least as new). Answers whether it wrote.
 */
export async function replaceOrganizations(
  db: Kysely<Database>,
  entries: readonly OrganizationEntry[],
  readStartedAt: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${REFRESH_LOCK_KEY})`.execute(trx);
    const stored = await trx
      .selectFrom('organizations')
      .select((eb) => eb.fn.max('refreshedAt').as('refreshedAt'))
      .executeTakeFirst();
    const storedAt = stored?.refreshedAt as Date | null | undefined;
    if (storedAt && storedAt >= readStartedAt) return false;
    await trx.deleteFrom('organizations').execute();
    for (let start = 0; start < entries.length; start += INSERT_BATCH) {
      const batch = entries.slice(start, start + INSERT_BATCH);
      await trx
        .insertInto('organizations')
        .values(batch.map((entry) => ({ ...entry, refreshedAt: readStartedAt })))
        .execute();
    }
    return true;
  });
}

/** An organization with the organizations above it, the top-level one first. */
export interface OrganizationPlacement {
  id: string;
  name: string;
  ancestors: { id: string; name: string }[];
}

/** Bounds the walk up the hierarchy; the cache holds no loops (they are broken when it is written) but stays safe. */
const MAX_DEPTH = 64;

/**
 * The cached organizations among `ids`, each with its ancestors: one query walking parent_id up from all of them
 * (primary-key lookups). Ids the cache does not list are left out.
 */
export async function organizationPlacements(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, OrganizationPlacement>> {
  const result = await sql<{ startId: string; id: string; name: string; depth: number }>`
    with recursive up (start_id, id, name, parent_id, depth) as (
      select o.id, o.id, o.name, o.parent_id, 0 from organizations o where o.id = any(${[...ids]}::text[])
      union all
      select up.start_id, p.id, p.name, p.parent_id, up.depth + 1
        from up join organizations p on p.id = up.parent_id
       where up.depth < ${sql.lit(MAX_DEPTH)}
    )
    select start_id, id, name, depth from up order by start_id, depth desc`.execute(db);
  const placements = new Map<string, OrganizationPlacement>();
  for (const row of result.rows) {
    let placement = placements.get(row.startId);
    if (!placement) {
      placement = { id: row.startId, name: '', ancestors: [] };
      placements.set(row.startId, placement);
    }
    // Rows come top-level first; the organization itself (depth 0) comes last.
    if (row.depth === 0) placement.name = row.name;
    else placement.ancestors.push({ id: row.id, name: row.name });
  }
  return placements;
}
