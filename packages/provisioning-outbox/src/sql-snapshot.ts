// The committed snapshot of the outbox's SQL (sql/queries.sql): every statement of statements.ts compiled with
// sample values, so that a change to one shows as a SQL diff in review. test/sql-snapshot.test.ts compares it,
// `pnpm --filter @payerbox/provisioning-outbox sql-snapshot` rewrites it.
import type { Database } from '@payerbox/db';
import {
  CamelCasePlugin,
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import {
  claimDueJobs,
  deleteIfCurrent,
  depthAndOldestAge,
  dueCountAndOldestAge,
  lockServiceRowShared,
  provisioningRequestCtes,
  queueDriftChecks,
  recordAttemptError,
  recordConverged,
  recordFailed,
  recordFailureEvent,
  releaseLease,
  rescheduleIfCurrent,
  wakeWorkers,
} from './statements.ts';

export const SNAPSHOT_PATH = new URL('../sql/queries.sql', import.meta.url);

/** Compiles as the services' handles do (PostgreSQL, camelCase plugin), without a connection. */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new CamelCasePlugin()],
});

const job = {
  id: '1',
  generation: 1,
  lockedBy: 'worker',
  serviceId: '00000000-0000-7000-8000-000000000000',
  environment: 'sandbox',
} as const;
const request = { environments: ['sandbox'], reason: 'create' } as const;
/** Where a caller's statement yields the service's id. */
const serviceId = sql<string>`:service_id`;

/** Each statement, named by the function that builds it (and the variant where one builds several). */
const STATEMENTS: readonly (readonly [string, (db: Kysely<Database>) => CompiledQuery])[] = [
  [
    'provisioningRequestCtes (a new service)',
    (db) => sql`${provisioningRequestCtes(serviceId, request, 'new')}`.compile(db),
  ],
  [
    'provisioningRequestCtes (an existing service)',
    (db) => sql`${provisioningRequestCtes(serviceId, request, 'existing')}`.compile(db),
  ],
  ["wakeWorkers (the API's wake-up)", (db) => wakeWorkers('').compile(db)],
  ['wakeWorkers (after queuing drift checks)', (db) => wakeWorkers('drift').compile(db)],
  ['claimDueJobs', (db) => claimDueJobs({ workerId: 'worker', limit: 1, leaseMs: 1 }).compile(db)],
  ['lockServiceRowShared', (db) => lockServiceRowShared(db, job.serviceId).compile()],
  ['deleteIfCurrent', (db) => deleteIfCurrent(db, job).compile()],
  ['releaseLease', (db) => releaseLease(db, job).compile()],
  ['rescheduleIfCurrent', (db) => rescheduleIfCurrent(db, job, 'error', 1).compile()],
  ['recordConverged (ready)', (db) => recordConverged(db, job, 'ready').compile()],
  ['recordConverged (any other state)', (db) => recordConverged(db, job, 'disabled').compile()],
  ['recordAttemptError', (db) => recordAttemptError(db, job, 'error').compile()],
  ['recordFailed', (db) => recordFailed(db, job, 'error').compile()],
  ['recordFailureEvent', (db) => recordFailureEvent(job, 'error').compile(db)],
  ['queueDriftChecks', (db) => queueDriftChecks({ olderThanMs: 1, limit: 1 }).compile(db)],
  ['depthAndOldestAge', (db) => depthAndOldestAge(db).compile()],
  ['dueCountAndOldestAge', (db) => dueCountAndOldestAge(db).compile()],
];

/** A template's text as written, without the indentation of the source around it. */
function dedent(text: string): string {
  // Blank lines (where a template left a part out) would read as the end of the statement.
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  const indents = lines
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.length - line.trimStart().length);
  const cut = Math.min(...indents, lines[0] ? lines[0].length - lines[0].trimStart().length : 0);
  return lines.map((line, index) => (index === 0 ? line.trimStart() : line.slice(cut))).join('\n');
}

/** The snapshot file's text: every statement as it reaches PostgreSQL. */
export function sqlSnapshot(): string {
  const header =
    "-- The provisioning outbox's SQL, every statement packages/provisioning-outbox/src/statements.ts builds.\n" +
    '-- Written by `pnpm --filter @payerbox/provisioning-outbox sql-snapshot`; test/sql-snapshot.test.ts fails when it\n' +
    '-- differs from what the code compiles. Do not edit by hand.\n';
  const body = STATEMENTS.map(([name, compile]) => `-- ${name}\n${dedent(compile(compiler).sql)}\n`);
  return [header, ...body].join('\n');
}
