// The start command (`pnpm start`) as a test runs it: on free ports, with its own data folder and database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { throwawayDatabase } from '../../src/database.ts';
import { freePort } from '../../src/embedded-postgres.ts';
import { runProcess } from '../../src/processes.ts';

export interface StartedPortal {
  readonly ports: { api: number; idp: number; sandbox: number; production: number; mailSmtp: number; mailWeb: number };
  /** The data folder (`PORTAL_DATA_DIR`): `.data` in {@link StartedPortal.workDir}, as `pnpm start`'s in the repository. */
  readonly dataDir: string;
  /** A folder of the test's own holding `.data`, where commands that read `./.data/...` run. */
  readonly workDir: string;
  /** Everything the start command printed so far. */
  output(): string;
}

/** Runs the start command on free ports with its own data folder and database; resolves once it printed its banner. */
export async function startPortal(t: Test, env: Record<string, string> = {}): Promise<StartedPortal> {
  const workDir = await mkdtemp(join(tmpdir(), 'payerbox-start-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const dataDir = join(workDir, '.data');
  const ports = {
    api: await freePort(),
    idp: await freePort(),
    sandbox: await freePort(),
    production: await freePort(),
    mailSmtp: await freePort(),
    mailWeb: await freePort(),
  };
  // A database of its own: the provisioner it starts claims every due job it can see.
  const database = await throwawayDatabase(process.env.DATABASE_URL);
  t.teardown(() => database.release());
  const chunks: string[] = [];
  const portal = runProcess('portal', 'packages/dev-stack/src/start.ts', {
    PORTAL_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    PORT: String(ports.api),
    DEV_IDP_PORT: String(ports.idp),
    SANDBOX_AIDBOX_PORT: String(ports.sandbox),
    PRODUCTION_AIDBOX_PORT: String(ports.production),
    MAILDEV_SMTP_PORT: String(ports.mailSmtp),
    MAILDEV_WEB_PORT: String(ports.mailWeb),
    LOG_LEVEL: 'warn',
    PROVISIONER_LOG_LEVEL: 'warn',
    NOTIFIER_LOG_LEVEL: 'warn',
    ...env,
  });
  portal.child.stdout?.on('data', (chunk: Buffer) => chunks.push(String(chunk)));
  t.teardown(() => portal.stop());
  const deadline = Date.now() + 60_000;
  while (!chunks.join('').includes('Press Ctrl+C') && Date.now() < deadline) {
    if (portal.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ports, dataDir, workDir, output: () => chunks.join('') };
}
