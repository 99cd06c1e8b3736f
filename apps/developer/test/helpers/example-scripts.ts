// Running the service page's example scripts as a developer would: written to a file in a fresh folder (with jose
// installed), then run with node or bash.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToExit } from '@payerbox/dev-stack/processes';
import type { Test } from 'tap';

export const CURL = '/usr/bin/curl';
const SCRIPT_TIMEOUT_MS = 120_000;

/** The workspace's jose, linked into a script's folder as `npm install jose` would put it there. */
function joseDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const browserTesting = resolve(here, '../../../../packages/browser-testing/package.json');
  return dirname(createRequire(browserTesting).resolve('jose/package.json'));
}

/** A fresh folder holding `name` with `script`, and jose resolvable from it; removed after the test. */
export async function scriptFolder(t: Test, name: string, script: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'example-script-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await mkdir(join(folder, 'node_modules'));
  await symlink(joseDirectory(), join(folder, 'node_modules', 'jose'), 'dir');
  await writeFile(join(folder, name), script);
  return folder;
}

/** Runs `command` in `cwd` until it exits (killed after a timeout), with this process's environment and `env`. */
export function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return runToExit(command, args, { cwd, env: { ...process.env, ...env }, timeoutMs: SCRIPT_TIMEOUT_MS });
}
