/** One named example of a request or response body. */
export interface NamedExample {
  readonly summary: string;
  readonly value: unknown;
}

/** A route's examples: its JSON request body's, and its JSON responses' by status. */
export interface RouteExamples {
  readonly request?: Readonly<Record<string, NamedExample>>;
  readonly responses?: Readonly<Record<number, Readonly<Record<string, NamedExample>>>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Named examples the OpenAPI document shows on the route's bodies (Swagger UI's "Try it out" starts from the
     * first). A test validates every one against its schema, so an example never shows a body the API would refuse.
     */
    examples?: RouteExamples;
  }
}

interface MediaObject {
  examples?: Record<string, NamedExample>;
}
interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaObject> };
  responses?: Record<string, { content?: Record<string, MediaObject> }>;
}

/**
 * Puts each operation's examples on its JSON bodies in the finished document. (Examples beside a `$ref` body schema
 * do not survive @fastify/swagger's reference resolution, so they are added afterwards, by operationId.)
 */
export function applyExamples<T extends { paths?: object | undefined }>(
  document: T,
  examplesByOperation: ReadonlyMap<string, RouteExamples>,
): T {
  for (const methods of Object.values(document.paths ?? {}) as Record<string, Operation>[]) {
    for (const operation of Object.values(methods)) {
      const examples = operation.operationId ? examplesByOperation.get(operation.operationId) : undefined;
      if (!examples) continue;
      const where = (part: string) => `${operation.operationId} has examples for ${part}, which it does not have`;
      if (examples.request) {
        const body = operation.requestBody?.content?.['application/json'];
        if (!body) throw new Error(where('a JSON request body'));
        body.examples = { ...examples.request };
      }
      for (const [status, named] of Object.entries(examples.responses ?? {})) {
        const media = operation.responses?.[status]?.content?.['application/json'];
        if (!media) throw new Error(where(`a JSON ${status} response`));
        media.examples = { ...named };
      }
    }
  }
  return document;
}
