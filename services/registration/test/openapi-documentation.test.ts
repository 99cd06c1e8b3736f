// The committed OpenAPI document is a contract partner tooling reads: every operation is described, every body has
// examples that the API itself would accept or send, every problem a route can answer is declared, and the document
// passes a standard OpenAPI linter.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import t from 'tap';
import { OPENAPI_FILE } from '../src/openapi-document.ts';

interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const document = JSON.parse(await readFile(OPENAPI_FILE, 'utf8')) as Document;
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
);

// ajv-formats is CommonJS; under native ESM its plugin arrives as the `default` of the default export.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

/** OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's components answer its `#/components/...` refs. */
const DOCUMENT_ID = 'https://portal.example/openapi.json';
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${DOCUMENT_ID}${value}` : rebase(value),
    ]),
  );
}

/** Every JSON body of an operation (request and responses) with its media object. */
function jsonBodies(operation: Operation): { part: string; media: Media }[] {
  const bodies: { part: string; media: Media }[] = [];
  for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
    if (type.endsWith('json')) bodies.push({ part: 'request body', media });
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    for (const [type, media] of Object.entries(response.content ?? {})) {
      if (type.endsWith('json')) bodies.push({ part: `${status} ${type}`, media });
    }
  }
  return bodies;
}

t.test('info.description tells a new partner how to start', async (t) => {
  const text = document.info.description;
  t.match(text, /API tokens/, 'where the first API token comes from');
  t.match(text, /Authorization: Bearer/, 'how to authenticate');
  t.match(text, /environments\.sandbox\.state/, 'how to wait for the sandbox');
});

t.test('every operation has a summary and a description', async (t) => {
  t.ok(operations.length >= 30, `${operations.length} operations`);
  for (const { where, operation } of operations) {
    t.match(operation.summary, /\S/, `${where} has a summary`);
    t.match(operation.description, /\S/, `${where} has a description`);
  }
});

t.test('every JSON body has named examples', async (t) => {
  for (const { where, operation } of operations) {
    for (const { part, media } of jsonBodies(operation)) {
      t.ok(Object.keys(media.examples ?? {}).length > 0, `${where}: ${part} has examples`);
    }
  }
});

t.test('every example is valid against the schema of the body it illustrates', async (t) => {
  let checked = 0;
  for (const { where, operation } of operations) {
    for (const { part, media } of jsonBodies(operation)) {
      const validate = ajv.compile(rebase(media.schema) as object);
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        const valid = validate(example.value);
        t.ok(valid, `${where}: ${part} example "${name}"`, { errors: validate.errors });
        checked += 1;
      }
    }
  }
  t.ok(checked > 100, `${checked} examples checked`);
});

t.test('every response with a problem body documents each of its codes and only codes of its status', async (t) => {
  for (const { where, operation } of operations) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const media = response.content?.['application/problem+json'];
      if (!media) continue;
      for (const [code, example] of Object.entries(media.examples ?? {})) {
        t.match(example.value, { code, status: Number(status) }, `${where} ${status}: ${code}`);
        t.match(response.description, `\`${code}\``, `${where} ${status}: the description names ${code}`);
      }
    }
  }
});

t.test('the committed document passes the Redocly linter without errors', async (t) => {
  const require = createRequire(import.meta.url);
  const cli = require.resolve('@redocly/cli/bin/cli.js');
  const lint = spawnSync(process.execPath, [cli, 'lint', fileURLToPath(OPENAPI_FILE), '--format=json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(lint.stdout) as { totals: { errors: number }; problems: { message: string }[] };
  t.equal(report.totals.errors, 0, 'no errors', { problems: report.problems.map((p) => p.message) });
});
