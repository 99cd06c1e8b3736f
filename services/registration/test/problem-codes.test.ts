import { readFile } from 'node:fs/promises';
import t from 'tap';
import { renderOpenApi } from '../src/openapi-document.ts';
import { PROBLEM_CODES } from '../src/problem-codes.ts';

const README = new URL('../../../README.md', import.meta.url);

/** The rows of the README's problem code table: `| \`code\` | status | meaning |`, under "### Problem codes". */
async function readmeProblemCodes(): Promise<Record<string, number>> {
  const readme = await readFile(README, 'utf8');
  const section = readme.split('\n### Problem codes\n')[1]?.split('\n#')[0] ?? '';
  const rows = [...section.matchAll(/^\| `([a-z_]+)` +\| (\d{3}) +\|/gm)];
  return Object.fromEntries(rows.map(([, code, status]) => [code, Number(status)]));
}

const declared = Object.fromEntries(Object.entries(PROBLEM_CODES).map(([code, { status }]) => [code, status]));

t.test("the README's table lists exactly the problem codes the service can send, each with its status", async (t) => {
  const listed = await readmeProblemCodes();
  t.ok(Object.keys(listed).length > 0, 'the README has a problem code table');
  t.same(listed, declared);
});

/** The README table's rows as `[code, status, meaning]`, in the table's order. */
async function readmeProblemRows(): Promise<[string, number, string][]> {
  const readme = await readFile(README, 'utf8');
  const section = readme.split('\n### Problem codes\n')[1]?.split('\n#')[0] ?? '';
  const rows = [...section.matchAll(/^\| `([a-z_]+)` +\| (\d{3}) +\| (.*?) *\|$/gm)];
  return rows.map(([, code, status, meaning]) => [code ?? '', Number(status), meaning ?? '']);
}

t.test("the README's table gives each problem code the list's meaning, in the list's order", async (t) => {
  const listed = Object.entries(PROBLEM_CODES).map(([code, { status, meaning }]) => [code, status, meaning]);
  t.same(await readmeProblemRows(), listed);
});

t.test('the OpenAPI document declares the problem code as an enum of every code', async (t) => {
  const spec = JSON.parse(await renderOpenApi()) as {
    components: { schemas: { Problem: { properties: { code: { enum?: string[] } } } } };
  };
  t.same(spec.components.schemas.Problem.properties.code.enum, Object.keys(PROBLEM_CODES));
});

t.test('every problem code names a client or server error status', async (t) => {
  for (const [code, { status, meaning }] of Object.entries(PROBLEM_CODES)) {
    t.ok(status >= 400 && status < 600, `${code} is an error status`);
    t.match(meaning, /\S/, `${code} has a meaning`);
  }
});
