// Work the notifier repeats on a schedule (issue 22: scanning for API tokens about to expire, re-checking key sets).
// Each one is a single keyed job in the durable queue that, when it has run, queues its own next run: the queue keeps
// the schedule through restarts, and however many notifiers run, only one of them holds the job at a time (the key
// allows one waiting job; a notifier that dies holding it gives it back through the lease, see lease.ts).
import type { JobHelpers, Task, TaskList, WorkerUtils } from 'graphile-worker';
import type { Logger } from 'pino';

export interface RecurringWork {
  /** The task's name in the queue, and the key of its one waiting job. */
  readonly name: string;
  /** The wait from the end of one run to the start of the next. */
  readonly everyMs: number;
  /** One run. Idempotent: a run that a dead notifier left half done is run again whole. */
  run(helpers: JobHelpers): Promise<void>;
}

/** Queues the next run of `work`, replacing any waiting one (the key allows one). */
async function queueNext(helpers: JobHelpers, work: RecurringWork): Promise<void> {
  await helpers.addJob(work.name, {}, { jobKey: work.name, runAt: new Date(Date.now() + work.everyMs) });
}

/**
 * The task that runs `work` and queues its next run. A failed run is logged and not retried on its own: the next run
 * comes on schedule, so the work never ends as a job that used up its attempts and stopped repeating.
 */
function recurringTask(work: RecurringWork, logger: Logger): Task {
  return async (_payload, helpers) => {
    try {
      await work.run(helpers);
    } catch (error) {
      logger.warn(
        { task: work.name, err: error instanceof Error ? error.message : String(error) },
        'recurring run failed',
      );
    } finally {
      await queueNext(helpers, work);
    }
  };
}

/** The recurring works as graphile-worker tasks, to join the notifier's task list. */
export function recurringTasks(works: readonly RecurringWork[], logger: Logger): TaskList {
  return Object.fromEntries(works.map((work) => [work.name, recurringTask(work, logger)]));
}

/**
 * Makes sure each work has its job in the queue: at start, a work that has none runs now; one already scheduled (by
 * an earlier run, or by another notifier) keeps its time.
 */
export async function scheduleRecurring(utils: WorkerUtils, works: readonly RecurringWork[]): Promise<void> {
  for (const work of works) {
    await utils.addJob(work.name, {}, { jobKey: work.name, jobKeyMode: 'preserve_run_at' });
  }
}
