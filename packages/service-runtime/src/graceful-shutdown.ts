// One graceful shutdown for both services: on SIGTERM or SIGINT stop taking work, finish the work in hand, release
// what it used, in that order, and exit 0; if the grace period ends first, exit 1 (the orchestrator would kill the
// process anyway, and work cut off is picked up again: a client retries, a job's lease hands it to another worker).

/** The logger calls shutdown makes (pino's and Fastify's loggers fit). */
export interface ShutdownLog {
  info(details: object, message: string): void;
  info(message: string): void;
  error(message: string): void;
}

export interface GracefulShutdownOptions {
  readonly log: ShutdownLog;
  readonly graceMs: number;
  /** Logged with the signal when shutdown begins. */
  readonly stoppingMessage: string;
  /** Logged as an error when the grace period ends before the steps do; the process then exits 1. */
  readonly overdueMessage: string;
  /** Logged when every step has finished; the process then exits 0. */
  readonly stoppedMessage: string;
  /** Run one after another: stop accepting work, finish what is in hand, close connections and pools. */
  readonly steps: ReadonlyArray<() => void | Promise<void>>;
}

/** Installs the SIGTERM and SIGINT handlers; a second signal during shutdown changes nothing. */
export function exitGracefullyOnSignal(options: GracefulShutdownOptions): void {
  const { log, graceMs } = options;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs }, options.stoppingMessage);
    const grace = setTimeout(() => {
      log.error(options.overdueMessage);
      process.exit(1);
    }, graceMs);
    grace.unref();
    for (const step of options.steps) await step();
    log.info(options.stoppedMessage);
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
}
