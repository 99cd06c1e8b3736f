import { readFile } from 'node:fs/promises';
import t from 'tap';
import { OPENAPI_FILE, renderOpenApi } from '../src/openapi-document.ts';

t.test('the committed openapi.json matches the routes (run `pnpm openapi` after changing the API)', async (t) => {
  const committed = await readFile(OPENAPI_FILE, 'utf8');
  t.equal(committed, await renderOpenApi());
});

t.test('every operation has an operationId, tags and a response for each problem it can answer', async (t) => {
  const spec = JSON.parse(await renderOpenApi()) as {
    paths: Record<
      string,
      Record<string, { operationId?: string; tags?: string[]; responses?: Record<string, unknown> }>
    >;
  };
  const ids = new Set<string>();
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      t.ok(operation.operationId, `${where} has an operationId`);
      t.notOk(ids.has(operation.operationId ?? ''), `${where} has a unique operationId`);
      ids.add(operation.operationId ?? '');
      t.ok(operation.tags?.length, `${where} has tags`);
      t.ok(operation.responses?.['500'], `${where} documents 500`);
    }
  }
  t.ok(ids.size >= 20, 'documents every route');
});
