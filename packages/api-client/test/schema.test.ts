import { readFile } from 'node:fs/promises';
import t from 'tap';
import { renderSchemaTypes, SCHEMA_FILE } from '../src/generate.ts';

t.test(
  'the generated types match the committed OpenAPI document (run `pnpm --filter @payerbox/api-client generate`)',
  async (t) => {
    t.equal(await readFile(SCHEMA_FILE, 'utf8'), await renderSchemaTypes());
  },
);
