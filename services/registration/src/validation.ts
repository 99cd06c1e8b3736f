import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';

// ajv-formats is CommonJS; under native ESM its plugin arrives as the `default` of the default export.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

function createAjv(coerceTypes: false | 'array', schemas: readonly TSchema[]): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    // Unknown properties are an error (the schemas say additionalProperties: false), never silently dropped.
    removeAdditional: false,
    // Report every offending field at once. Bodies are capped at 256 KiB and arrays by maxItems, which bounds the work.
    allErrors: true,
    strict: false,
  });
  addFormats(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}

/**
 * Installs request validation. Query strings, path parameters and headers arrive as text, so they are coerced to the
 * schema's types (`?limit=20`); JSON bodies are not: `"name": 123` or a bare string where a list belongs is an error,
 * not a guess.
 */
export function installValidators(app: FastifyInstance, schemas: readonly TSchema[]): void {
  const textParts = createAjv('array', schemas);
  const jsonBodies = createAjv(false, schemas);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? jsonBodies : textParts).compile(schema as object),
  );
}
