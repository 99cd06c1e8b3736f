import type { TSchema } from 'typebox';

/** A documented response header, as a JSON schema with a description (@fastify/swagger makes it a Header Object). */
export interface HeaderDoc {
  readonly description: string;
  readonly type: 'string' | 'integer';
}

export const ETAG_HEADER: HeaderDoc = {
  description: 'The version as a strong entity tag ("3"); send it as If-Match to edit',
  type: 'string',
};
export const NO_STORE_HEADER: HeaderDoc = {
  description: '`no-store`: the body holds a credential shown only once',
  type: 'string',
};

/**
 * A JSON response with a description and headers, in the `content` form Fastify serializes by media type and
 * @fastify/swagger documents as it is (a bare `$ref` response cannot carry headers).
 */
export function jsonResponse<T extends TSchema>(
  schema: T,
  description: string,
  headers: Readonly<Record<string, HeaderDoc>> = {},
) {
  return {
    description,
    ...(Object.keys(headers).length > 0 && { headers }),
    content: { 'application/json': { schema } },
  };
}
