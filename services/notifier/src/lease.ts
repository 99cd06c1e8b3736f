import type { Database } from '@payerbox/db';
import { type Kysely, sql } from 'kysely';

export interface LeaseLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface Lease {
  /** A worker of this process that may hold jobs from now on (graphile-worker's `worker:create`). */
  register(workerId: string): void;
  /** A worker of this process that stopped cleanly (it released its jobs itself). */
  unregister(workerId: string): void;
  stop(): Promise<void>;
}

export interface LeaseOptions {
  readonly leaseMs: number;
  /** graphile-worker's `forceUnlockWorkers` (WorkerUtils): hands the named workers' jobs back to the queue. */
  readonly unlockWorkers: (workerIds: string[]) => Promise<void>;
  readonly log: LeaseLog;
}

/**
 * Crash recovery for graphile-worker, which leaves a job locked for four hours when the worker holding it dies without
 * releasing it (its Pro edition adds what this does). Every notifier process beats for its workers every third of the
 * lease in `notifier_heartbeats`, and sweeps as often: a job locked longer than the lease by a worker with no fresh
 * beat goes back to the queue, so another process (or this one, restarted) delivers it. A live worker keeps its job
 * however long the delivery takes, since its beat stays fresh.
 */
export function startLease(db: Kysely<Database>, options: LeaseOptions): Lease {
  const workers = new Set<string>();
  const leaseSeconds = options.leaseMs / 1000;

  async function beat(): Promise<void> {
    if (workers.size === 0) return;
    await sql`
      insert into notifier_heartbeats (worker_id, seen_at)
      select worker_id, now() from unnest(${[...workers]}::text[]) as beating(worker_id)
      on conflict (worker_id) do update set seen_at = excluded.seen_at`.execute(db);
  }

  async function sweep(): Promise<void> {
    const { rows } = await sql<{ workerId: string }>`
      select distinct jobs.locked_by as worker_id from graphile_worker.jobs
      where jobs.locked_by is not null
        and jobs.locked_at < now() - make_interval(secs => ${leaseSeconds})
        and not exists (
          select 1 from notifier_heartbeats beats
          where beats.worker_id = jobs.locked_by and beats.seen_at >= now() - make_interval(secs => ${leaseSeconds})
        )`.execute(db);
    const silent = rows.map((row) => row.workerId).filter((id) => !workers.has(id));
    if (silent.length > 0) {
      await options.unlockWorkers(silent);
      options.log.warn({ workers: silent }, 'took back the jobs of notifier workers that stopped beating');
    }
    // Beats of workers gone for ten leases are of no more use.
    await sql`delete from notifier_heartbeats
      where seen_at < now() - make_interval(secs => ${leaseSeconds * 10})`.execute(db);
  }

  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      running = running
        .then(beat)
        .then(sweep)
        .catch((error: unknown) => {
          options.log.error({ err: error }, 'notifier heartbeat or sweep failed; trying again');
        });
    },
    Math.max(100, Math.floor(options.leaseMs / 3)),
  );
  timer.unref();

  return {
    register(workerId) {
      workers.add(workerId);
      running = running.then(beat).catch(() => {});
    },
    unregister(workerId) {
      workers.delete(workerId);
      running = running
        .then(() => db.deleteFrom('notifierHeartbeats').where('workerId', '=', workerId).execute())
        .then(() => undefined)
        .catch(() => {});
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
