// The service list's filter and its search: which live services a page may hold.
import type { Database, ServiceStatusColumn } from '@payerbox/db';
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import { containsPattern } from '../../like-pattern.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ServiceListFilter {
  readonly ownerId?: string;
  readonly status?: ServiceStatusColumn;
  /** Case-insensitive match on name or client id, and on the owner's e-mail when the list is not one owner's. */
  readonly q?: string;
  /** Keyset: only services created before this id (UUIDv7 order). */
  readonly before?: string;
  readonly limit: number;
  /** Live services only (the default), or also the removed rejected ones (admins). */
  readonly visibility?: Visibility;
}

/**
 * Which services a reader sees. Owners see live services only; an admin also sees a rejected service its owner
 * removed from the dashboard, for oversight (a deleted draft never reached review and stays hidden from both).
 */
export type Visibility = 'live' | 'live_and_removed_rejected';

/** The condition a visible service meets. */
export function visibleService(eb: ExpressionBuilder<Database, 'backendServices'>, visibility: Visibility = 'live') {
  const live = eb('backendServices.deletedAt', 'is', null);
  // The status as a literal, like the review queue's: part of the statement's shape, not a parameter.
  return visibility === 'live' ? live : eb.or([live, eb('backendServices.status', '=', sql.lit('rejected'))]);
}

/** The list's own conditions (owner, status, keyset position) on a query over live services. */
export function withListFilter<O>(
  query: SelectQueryBuilder<Database, 'backendServices', O>,
  filter: ServiceListFilter,
): SelectQueryBuilder<Database, 'backendServices', O> {
  let filtered = query;
  if (filter.ownerId !== undefined) filtered = filtered.where('backendServices.ownerId', '=', filter.ownerId);
  if (filter.status !== undefined) filtered = filtered.where('backendServices.status', '=', filter.status);
  if (filter.before !== undefined) filtered = filtered.where('backendServices.id', '<', filter.before);
  return filtered;
}

/** At most this many characters of the search go to the client id's trigram index. */
const CLIENT_ID_WINDOW = 5;

/**
 * `client_id ilike pattern`, cheaper on the trigram index. Client ids are `bs-` and 32 random hex digits, so the
 * trigram of `bs-` is in every one of them and each hex trigram in about 1 in 140: reading their posting lists is
 * what a search text costs, and they grow with the table. The index is therefore asked only for up to
 * {@link CLIENT_ID_WINDOW} characters (three trigrams: about one false candidate per three million services) of the
 * text's longest run of letters and digits, and the rows it finds are checked against the whole text: every client
 * id that contains the text contains the window too.
 */
function clientIdContains(eb: ExpressionBuilder<Database, 'backendServices'>, q: string, pattern: string) {
  const runs = q.match(/[0-9a-z]+/gi) ?? [];
  const window = runs
    .reduce((longest, run) => (run.length > longest.length ? run : longest), '')
    .slice(0, CLIENT_ID_WINDOW);
  if (window.length < 3 || window === q) return eb('backendServices.clientId', 'ilike', pattern);
  return eb.and([
    eb('backendServices.clientId', 'ilike', containsPattern(window)),
    // Not the indexed expression, so it is checked on the rows the window found.
    eb(sql<string>`${sql.ref('backendServices.clientId')} || ''`, 'ilike', pattern),
  ]);
}

/**
 * The ids of the services whose name, client id or (for the list of every owner) owner's e-mail contains `q`: at most
 * `limit + 1` per column, newest first, so that their union holds the page. One question per column lets the planner
 * choose for each between its trigram index (migration 0007), when the text is rare in that column, and walking the id
 * index until `limit + 1` rows match, when it is common. A single `or` over the three leaves it only the walk, which
 * reads every service when few match.
 */
export function searchMatches(db: Db, filter: ServiceListFilter, q: string) {
  const pattern = containsPattern(q);
  const newestMatching = (match: (eb: ExpressionBuilder<Database, 'backendServices'>) => Expression<SqlBool>) =>
    withListFilter(db.selectFrom('backendServices').select('backendServices.id'), filter)
      .where((eb) => visibleService(eb, filter.visibility))
      .where(match)
      .orderBy('backendServices.id', 'desc')
      .limit(filter.limit + 1);
  const columns = [
    newestMatching((eb) => eb('backendServices.name', 'ilike', pattern)),
    newestMatching((eb) => clientIdContains(eb, q, pattern)),
    ...(filter.ownerId === undefined
      ? [
          newestMatching((eb) =>
            eb(
              'backendServices.ownerId',
              'in',
              eb.selectFrom('users').select('users.id').where('users.email', 'ilike', pattern),
            ),
          ),
        ]
      : []),
  ];
  // Each column's query is a derived table: a union's own operands cannot carry an order and a limit.
  return columns
    .map((column, index) => db.selectFrom(column.as(`by_column_${index}`)).select('id'))
    .reduce((union, next) => union.union(next));
}
