import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type FieldError, problems } from '../errors.ts';

// PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses a lone UTF-16 surrogate (text would silently turn
// it into U+FFFD). Such strings are refused here, with their path, instead of failing in the database as a 500.
const LONE_SURROGATE = /\p{Cs}/u;
// Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069) make text display in another order
// than it is stored (CVE-2021-42574, "Trojan Source"): a service name or a review note could show a reviewer something
// other than what it says. Body text is shown to other people (names, descriptions, notes, reasons), so none may hold
// them. The marks U+200E/U+200F, which right-to-left text does need, stay allowed.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

type Rule = (text: string) => string | undefined;

const storable: Rule = (text) => {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text';
  return undefined;
};

const displayable: Rule = (text) =>
  storable(text) ?? (BIDI_CONTROL.test(text) ? 'must not contain invisible text-direction characters' : undefined);

function collectRefused(value: unknown, path: string, rule: Rule, found: FieldError[]): void {
  if (typeof value === 'string') {
    const message = rule(value);
    if (message) found.push({ path, message });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collectRefused(item, `${path}/${index}`, rule, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      collectRefused(item, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, rule, found);
    }
  }
}

/**
 * Refuses request text (query string and body, after schema validation) that the database cannot store, and body text
 * that would display as something else than it is.
 */
export const textInputPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preHandler', async (request: FastifyRequest) => {
      const found: FieldError[] = [];
      collectRefused(request.query, '/querystring', storable, found);
      collectRefused(request.body, '/body', displayable, found);
      if (found.length > 0) throw problems.validation(found);
    });
  },
  { name: 'text-input', dependencies: ['problem-handler'] },
);
