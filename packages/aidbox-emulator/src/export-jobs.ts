/**
 * Bulk export jobs (aidbox-docs `docs/api/bulk-api/export.md`; payerbox-docs
 * `docs/api-reference/operations/davinci-data-export.md`): a kick-off only registers a job; the job runs in the
 * background, after the 202, and writes one NDJSON file per type, resource by resource, waiting for the disk whenever
 * the file stream's buffer is full, so that an export never sits in memory whole (only the store's own copy does).
 *
 * - "Export operations run one at a time ... the server returns a `429 Too Many Requests`" (export.md): at most
 *   `maxConcurrent` jobs run at once (default 1).
 * - A job is known to its owner only; a finished one is forgotten, its files deleted, `retentionMs` after it ended
 *   (the signed URLs expire then too): its status answers 404 "not found / expired" (PB export).
 * - Cancel (`DELETE` on the status URL, "202 Accepted") stops a running job and deletes its files.
 * - Test control: `hold()` stops jobs before they write anything until the test releases them, so that "still
 *   running" is a state a test reaches on an event rather than by racing a timer.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { type ExportPlan, ndjsonLine } from './export-selection.ts';
import type { ExportStorage } from './export-storage.ts';
import type { JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';

/** Who started a job: a Client (by id), or the admin client over Basic (organization bases only). */
export type JobOwner = { readonly kind: 'client'; readonly clientId: string } | { readonly kind: 'admin' };

export interface ExportOutput {
  readonly type: string;
  readonly file: string;
  readonly count: number;
}

export interface ExportJob {
  readonly id: string;
  readonly owner: JobOwner;
  /** The FHIR base the job was started on: its status is served there only. */
  readonly baseUrl: string;
  /** The kick-off URL, for the manifest's `request`. */
  readonly request: string;
  readonly transactionTime: number;
  readonly typesTotal: number;
  state: 'in-progress' | 'completed' | 'failed';
  typesDone: number;
  readonly outputs: ExportOutput[];
  /** When it completed or failed (epoch ms). */
  finishedAt?: number;
  failure?: string;
}

export interface ExportJobsOptions {
  readonly storage: ExportStorage;
  readonly maxConcurrent: number;
  readonly retentionMs: number;
  /** The `Retry-After` of a 429. */
  readonly retryAfterSeconds: number;
  readonly now: () => number;
}

export interface NewExportJob {
  readonly owner: JobOwner;
  readonly baseUrl: string;
  readonly request: string;
  /** The job's content, planned at kick-off for the kick-off's `transactionTime`. */
  readonly plan: (transactionTime: number) => ExportPlan;
}

/** A hold on export jobs (see `AidboxEmulator.holdExports`). */
export interface ExportHold {
  /** Resolves once `count` jobs are held, with their ids in order of arrival. */
  arrived(): Promise<string[]>;
  /** Lets the held jobs run, and stops holding. */
  release(): void;
}

interface Running {
  readonly job: ExportJob;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

interface Hold {
  readonly count: number;
  readonly held: string[];
  holding: boolean;
  readonly arrived: Deferred<string[]>;
  readonly gate: Deferred<void>;
}

export class ExportJobs {
  readonly #jobs = new Map<string, Running>();
  readonly #holds: Hold[] = [];

  constructor(private readonly options: ExportJobsOptions) {}

  /** Registers a job and starts it after the current request; 429 when `maxConcurrent` jobs are running. */
  start(spec: NewExportJob): ExportJob {
    this.#expire();
    const running = [...this.#jobs.values()].filter(({ job }) => job.state === 'in-progress').length;
    if (running >= this.options.maxConcurrent) {
      throw new OutcomeError(
        429,
        'transient',
        'Another export is in progress: exports run one at a time; retry later',
        { 'retry-after': String(this.options.retryAfterSeconds) },
      );
    }
    const transactionTime = this.options.now();
    const plan = spec.plan(transactionTime);
    const job: ExportJob = {
      id: randomUUID(),
      owner: spec.owner,
      baseUrl: spec.baseUrl,
      request: spec.request,
      transactionTime,
      typesTotal: plan.types.length,
      state: 'in-progress',
      typesDone: 0,
      outputs: [],
    };
    const abort = new AbortController();
    // setImmediate: the job begins after the kick-off is answered, never inside it.
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#run(job, plan, abort.signal));
    this.#jobs.set(job.id, { job, abort, done });
    return job;
  }

  /** The job, unless unknown or expired (an expired job's files are deleted here). */
  find(id: string): ExportJob | undefined {
    this.#expire();
    return this.#jobs.get(id)?.job;
  }

  /** When a finished job's signed URLs stop working and the job is forgotten (epoch ms). */
  expiresAt(job: ExportJob): number {
    return (job.finishedAt ?? this.options.now()) + this.options.retentionMs;
  }

  /**
   * Stops a job (running or finished) and forgets it at once; resolves once it has stopped writing (at its next
   * resource) and its files are deleted.
   */
  async cancel(id: string): Promise<void> {
    const entry = this.#jobs.get(id);
    if (!entry) return;
    this.#jobs.delete(id);
    entry.abort.abort();
    await entry.done;
    await this.options.storage.remove(id);
  }

  /** Holds the next `count` jobs before they write anything (test control). */
  hold(count = 1): ExportHold {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('a hold count must be a positive integer');
    const hold: Hold = {
      count,
      held: [],
      holding: true,
      arrived: deferred<string[]>(),
      gate: deferred<void>(),
    };
    this.#holds.push(hold);
    return {
      arrived: () => hold.arrived.promise,
      release: () => {
        hold.holding = false;
        hold.gate.resolve();
        this.#holds.splice(this.#holds.indexOf(hold) >>> 0, 1);
      },
    };
  }

  /** Stops every job and deletes every file. */
  async close(): Promise<void> {
    const entries = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const entry of entries) entry.abort.abort();
    await Promise.all(entries.map((entry) => entry.done));
    await this.options.storage.close();
  }

  async #run(job: ExportJob, plan: ExportPlan, signal: AbortSignal): Promise<void> {
    try {
      await this.#held(job.id, signal);
      if (signal.aborted) return;
      const folder = await this.options.storage.jobFolder(job.id);
      for (const type of plan.types) {
        if (signal.aborted) return;
        const file = `${type}.ndjson`;
        const count = await writeNdjson(join(folder, file), plan.resources(type), signal);
        if (signal.aborted) return;
        if (count > 0) job.outputs.push({ type, file, count });
        else await rm(join(folder, file), { force: true });
        job.typesDone += 1;
      }
      job.state = 'completed';
    } catch (error) {
      if (signal.aborted) return;
      job.state = 'failed';
      job.failure = error instanceof Error ? error.message : String(error);
    } finally {
      job.finishedAt ??= this.options.now();
    }
  }

  /** Waits while a test holds this job (or until it is cancelled). */
  async #held(jobId: string, signal: AbortSignal): Promise<void> {
    const hold = this.#holds.find((candidate) => candidate.holding);
    if (!hold) return;
    hold.held.push(jobId);
    if (hold.held.length === hold.count) {
      hold.holding = false;
      hold.arrived.resolve([...hold.held]);
    }
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([hold.gate.promise, aborted]);
  }

  #expire(): void {
    const now = this.options.now();
    for (const [id, { job }] of this.#jobs) {
      // Forgotten at once; its files go in the background (a finished job writes nothing more).
      if (job.finishedAt !== undefined && now >= this.expiresAt(job)) void this.cancel(id);
    }
  }
}

/**
 * Writes resources as NDJSON, one per line, with backpressure: when the stream's buffer is full the walk waits for
 * `drain`, so memory holds one buffer, not the file. Answers how many were written (stops early when aborted).
 */
async function writeNdjson(path: string, resources: Iterable<JsonObject>, signal: AbortSignal): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let count = 0;
  try {
    for (const resource of resources) {
      if (signal.aborted) break;
      count += 1;
      if (!out.write(ndjsonLine(resource))) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    return count;
  } finally {
    out.destroy();
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

/** A promise and its resolve (Node 20 has no `Promise.withResolvers`). */
function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
