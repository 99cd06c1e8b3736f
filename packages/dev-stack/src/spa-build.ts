// Builds the SPAs (apps/developer, apps/admin) with Vite when their sources changed since the last build, so that
// `pnpm start`, `pnpm test` and `pnpm bench` serve what is in the working tree without a separate build step.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, link, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ROOT } from './paths.ts';

/** The SPAs of the repository, each a Vite app in `apps/<name>`. */
export type SpaName = 'developer' | 'admin';

/** Inputs of every SPA besides its own folder: the shared packages Vite bundles into it. */
const SHARED_SOURCES = [
  'packages/web-kit/src',
  'packages/web-kit/vite-config.ts',
  'packages/api-client/src',
  'packages/domain/src',
];
/** Inputs inside the app's folder (`public` is copied into the build as it is). */
const APP_SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];
/** A lock older than this belongs to a builder that died; builders refresh theirs well within it. */
const STALE_LOCK_MS = 120_000;
const LOCK_HEARTBEAT_MS = 20_000;
const LOCK_POLL_MS = 250;

function appDir(app: SpaName): string {
  return join(REPO_ROOT, 'apps', app);
}

/** The folder `vite build` writes `apps/<app>` to (absolute); it may not exist yet. */
export function spaDistDir(app: SpaName): string {
  return join(appDir(app), 'dist');
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether any file at or under `path` (a file or a folder; missing is fine) changed after `sinceMs`. */
async function changedSince(path: string, sinceMs: number): Promise<boolean> {
  const stats = await stat(path).catch(() => undefined);
  if (!stats) return false;
  if (!stats.isDirectory()) return stats.mtimeMs > sinceMs;
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name === 'node_modules') continue;
    if (await changedSince(join(path, entry.name), sinceMs)) return true;
  }
  return false;
}

/** True when `apps/<app>` was never built, or one of its inputs changed since the build. */
async function isStale(app: SpaName): Promise<boolean> {
  const built = await stat(join(spaDistDir(app), 'index.html')).catch(() => undefined);
  if (!built) return true;
  const inputs = [
    ...APP_SOURCES.map((name) => join(appDir(app), name)),
    ...SHARED_SOURCES.map((p) => join(REPO_ROOT, p)),
  ];
  for (const input of inputs) {
    if (await changedSince(input, built.mtimeMs)) return true;
  }
  return false;
}

/**
 * Moves a stale lock out of the way. Several waiters may find the same stale lock at once; renaming is atomic, and
 * the inode tells whether this waiter moved the stale lock or a fresh one that another waiter had just created (which
 * it puts back: `link` fails rather than overwrite a lock created in between).
 */
async function removeStaleLock(lockFile: string, staleIno: number): Promise<void> {
  const moved = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockFile, moved);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // someone else removed it
    throw error;
  }
  if ((await stat(moved)).ino !== staleIno) await link(moved, lockFile).catch(() => undefined);
  await rm(moved, { force: true });
}

/**
 * Takes the app's build lock (a file created with O_EXCL), waiting while another process holds it, and answers the
 * function that releases it. The holder refreshes the lock's mtime so that a long build is never taken for a dead one.
 */
async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(token);
      await handle.close();
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const held = await stat(lockFile).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await removeStaleLock(lockFile, held.ino);
    else await delay(LOCK_POLL_MS);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockFile, now, now).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    // Only our own lock: had it been taken over, the file now belongs to another builder.
    const content = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (content === token) await rm(lockFile, { force: true });
  };
}

/** Runs the app's own `vite build`; its progress output is dropped, its warnings and errors reach stderr. */
async function viteBuild(app: SpaName): Promise<void> {
  const cwd = appDir(app);
  const vite = join(cwd, 'node_modules', '.bin', 'vite');
  if (!(await exists(vite))) throw new Error(`apps/${app} has no node_modules/.bin/vite: run pnpm install first`);
  // The module runner loads vite.config.ts and the shared TypeScript config it imports from packages/web-kit.
  const child = spawn(vite, ['build', '--configLoader', 'runner'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (exitCode !== 0) throw new Error(`vite build of apps/${app} failed (exit code ${exitCode})`);
}

/**
 * Builds `apps/<app>` with `vite build` unless its `dist` is newer than every input (the app's sources, index.html,
 * Vite config and package.json, and the shared packages it bundles), and answers the absolute `dist` folder.
 * Answers undefined when the app does not exist (no `apps/<app>/package.json`). Safe to call from several processes
 * at once: one builds, the others wait for it and find the build fresh.
 */
export async function ensureSpaBuilt(app: SpaName): Promise<string | undefined> {
  if (!(await exists(join(appDir(app), 'package.json')))) return undefined;
  if (!(await isStale(app))) return spaDistDir(app);
  const release = await acquireLock(join(appDir(app), '.spa-build.lock'));
  try {
    // Whoever held the lock before may just have built it.
    if (await isStale(app)) {
      const startedAt = new Date();
      console.error(`# building apps/${app} (vite build)`);
      await viteBuild(app);
      // The build is as new as its inputs when it started: a file saved during the build makes the next call rebuild.
      await utimes(join(spaDistDir(app), 'index.html'), startedAt, startedAt);
    }
  } finally {
    await release();
  }
  return spaDistDir(app);
}
