import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problemOf } from '../errors.ts';

interface BodySchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly required?: readonly string[];
  readonly minProperties?: number;
}

// The labels the WHATWG Encoding Standard maps to UTF-8 (what browsers accept for it), compared case-insensitively.
const UTF8_LABELS = new Set([
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unicode11utf8',
  'unicode20utf8',
  'x-unicode20utf8',
]);

/** The charset parameter of a Content-Type (`application/json; charset="UTF-8"`), lower-cased; undefined without. */
function charsetOf(contentType: string | undefined): string | undefined {
  const parameter = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return parameter ? (parameter[1] ?? parameter[2] ?? '').toLowerCase() : undefined;
}

const notUtf8 = (charset: string) =>
  problemOf('unsupported_media_type', {
    title: 'Unsupported media type',
    detail: `The body is declared as ${charset}; send JSON in UTF-8 (charset=utf-8, or no charset).`,
  });

// RFC 7694 §3: a server refusing a content coding says which it accepts in Accept-Encoding.
const encoded = (encoding: string) =>
  problemOf('unsupported_media_type', {
    title: 'Unsupported content encoding',
    detail: `The body is encoded as ${encoding}, which this service does not decode; send it unencoded.`,
    headers: { 'accept-encoding': 'identity' },
  });

/**
 * The API's only body parser: JSON in UTF-8, unencoded. A body declared in another charset, or compressed, is refused
 * with 415 rather than read as UTF-8 text and turned into garbage or a confusing 400. An empty body is no body on routes
 * that take none or whose members are all optional (`approve`'s `{ note? }`), since many HTTP clients send
 * `Content-Type: application/json` with every request; where a body is needed, it stays a 400 malformed_request.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    // Fastify also parses text/plain by default, which would answer such a body with a confusing schema error instead
    // of 415, and would accept it on routes without a body schema (a content type a browser may send cross-site
    // without a CORS preflight).
    app.removeContentTypeParser('text/plain');
    app.removeContentTypeParser('application/json');
    const parseJson = app.getDefaultJsonParser('error', 'error');

    /** What an empty body stands for on this route: no body, an empty object, or nothing (it needs one). */
    function emptyBody(request: FastifyRequest): { value: undefined | Record<string, never> } | undefined {
      const declared = request.routeOptions.schema?.body as BodySchema | undefined;
      if (declared === undefined) return { value: undefined };
      const schema = (declared.$ref ? app.getSchema(declared.$ref) : declared) as BodySchema | undefined;
      const allOptional = schema?.type === 'object' && !schema.required?.length && !schema.minProperties;
      return allOptional ? { value: {} } : undefined;
    }

    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const encoding = request.headers['content-encoding']?.trim().toLowerCase();
      if (encoding && encoding !== 'identity') return done(encoded(encoding), undefined);
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== undefined && !UTF8_LABELS.has(charset)) return done(notUtf8(charset), undefined);
      const empty = body === '' ? emptyBody(request) : undefined;
      if (empty) return done(null, empty.value);
      return parseJson(request, body as string, done);
    });
  },
  { name: 'json-body' },
);
