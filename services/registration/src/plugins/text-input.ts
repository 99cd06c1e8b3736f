import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type FieldError, problems } from '../errors.ts';

// PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses a lone UTF-16 surrogate (text would silently turn
// it into U+FFFD). Such strings are refused here, with their path, instead of failing in the database as a 500.
const LONE_SURROGATE = /\p{Cs}/u;

function collectUnstorable(value: unknown, path: string, found: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ path, message: 'must not contain the NUL character (U+0000)' });
    else if (LONE_SURROGATE.test(value)) found.push({ path, message: 'must be valid Unicode text' });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collectUnstorable(item, `${path}/${index}`, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      collectUnstorable(item, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, found);
    }
  }
}

/** Refuses request text (query string and body, after schema validation) that the database cannot store. */
export const textInputPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preHandler', async (request: FastifyRequest) => {
      const found: FieldError[] = [];
      collectUnstorable(request.query, '/querystring', found);
      collectUnstorable(request.body, '/body', found);
      if (found.length > 0) throw problems.validation(found);
    });
  },
  { name: 'text-input', dependencies: ['problem-handler'] },
);
