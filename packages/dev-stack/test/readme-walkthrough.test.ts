// The README's Quick start walkthrough, run as written against the start command: the block is read from README.md,
// so the test fails as soon as the block stops working.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { REPO_ROOT } from '../src/paths.ts';
import { runToExit } from '../src/processes.ts';
import { startPortal } from './helpers/start-portal.ts';

/** The ```sh block that follows the "Sign in: open the developer portal" paragraph of the README. */
async function walkthrough(): Promise<string> {
  const readme = await readFile(`${REPO_ROOT}/README.md`, 'utf8');
  const block = /Sign in: open the developer portal[\s\S]*?\n```sh\n([\s\S]*?)\n```\n/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```sh block after "Sign in: open the developer portal"');
  return block;
}

/** Runs `script` with bash in `cwd`, with nothing but PATH and HOME from this process; its exit code and output. */
function bash(script: string, cwd: string) {
  // -u: a variable the block uses without setting it is an error, not an empty string.
  return runToExit('bash', ['-u', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    timeoutMs: 120_000,
  });
}

t.test("the README's curl walkthrough registers a service, waits for its sandbox and reads test-pt-1", async (t) => {
  const block = await walkthrough();
  t.match(block, 'http://localhost:3000', "the block uses the start command's default API URL");
  t.match(block, 'http://localhost:8081', "and the sandbox's");
  const portal = await startPortal(t);
  t.match(portal.output(), /Press Ctrl\+C/, 'the start command is up');
  // The start command runs on free ports here: the block's default URLs become this portal's, nothing else changes.
  const script = block
    .replaceAll('http://localhost:3000', `http://localhost:${portal.ports.api}`)
    .replaceAll('http://localhost:8081', `http://localhost:${portal.ports.sandbox}`);
  // Run where `./.data/dev-credentials.json` is this portal's, as it is in the repository under `pnpm start`.
  const result = await bash(script, portal.workDir);
  t.equal(result.code, 0, `bash runs the block to the end (${result.stderr.trim().slice(-400)})`);
  t.equal(result.stderr, '', 'without an error');
  t.match(result.stdout, '"email":"developer@example.com"', 'GET /me answers the demo developer');
  const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
  t.match(JSON.parse(lastLine), { resourceType: 'Patient', id: 'test-pt-1' }, 'the last command reads the Patient');
});
