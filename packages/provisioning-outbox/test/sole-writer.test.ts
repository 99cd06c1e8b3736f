// The outbox's table is the outbox's: no other production module names it, so none can write it around the protocol
// (its generations, leases and lock order). Tests may read and set up the table; they are not scanned.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OWNER = 'packages/provisioning-outbox/';

/** Who else may name the table, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  'packages/db/src/migrations/': 'the migrations create and change the table',
  'packages/db/src/schema.ts': "the table's type",
  'packages/dev-stack/src/bench-provisioning.ts': 'the benchmark holds the backlog back and releases it at once',
};

const NAMES_THE_TABLE = /\bprovisioning_jobs\b|\bprovisioningJobs\b/;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

t.test('no production module but the outbox package names provisioning_jobs', async (t) => {
  const workspaces = (
    await Promise.all(
      ['apps', 'packages', 'services'].map(async (group) =>
        (
          await readdir(join(ROOT, group), { withFileTypes: true })
        )
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(ROOT, group, entry.name, 'src')),
      ),
    )
  ).flat();
  const files = (await Promise.all(workspaces.map((dir) => sourceFiles(dir).catch((): string[] => [])))).flat();
  t.ok(files.includes('services/provisioner/src/worker.ts'), `${files.length} source files scanned`);
  const naming = [];
  for (const file of files) {
    if (file.startsWith(OWNER) || Object.keys(ALLOWED).some((allowed) => file.startsWith(allowed))) continue;
    if (NAMES_THE_TABLE.test(await readFile(join(ROOT, file), 'utf8'))) naming.push(file);
  }
  t.same(naming, [], 'use @payerbox/provisioning-outbox instead');
});
