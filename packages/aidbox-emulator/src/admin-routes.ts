/**
 * The admin REST API in Aidbox format, for the portal's provisioning client only (HTTP Basic `id:secret`,
 * `docs/access-control/authentication/basic-http-authentication.md`): CRUD of `Client` and `AccessPolicy`, and
 * reading `Organization`s (one, or a searchset Bundle).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { searchBundle } from './fhir-search.ts';
import { OutcomeError } from './operation-outcome.ts';
import { ifMatch, queryOf, send } from './request-helpers.ts';
import { ADMIN_KINDS, type ResourceKind } from './resource-kinds.ts';
import { deleteResource, patchResource, readResource, updateResource } from './resource-operations.ts';

interface IdParams {
  id: string;
}

export function registerAdminRoutes(app: FastifyInstance, context: EmulatorContext): void {
  // onRequest: refuse strangers before their body is even parsed.
  const onRequest = async (request: FastifyRequest) => requireAdmin(context, request.headers.authorization);

  for (const type of ['Client', 'AccessPolicy'] as const) {
    const kind = ADMIN_KINDS[type] as ResourceKind;
    app.get<{ Params: IdParams }>(`/${type}/:id`, { onRequest }, async (request, reply) =>
      send(reply, readResource(context.store, kind, type, request.params.id)),
    );
    app.put<{ Params: IdParams }>(`/${type}/:id`, { onRequest }, async (request, reply) =>
      send(reply, updateResource(context.store, kind, type, request.params.id, request.body, ifMatch(request))),
    );
    app.patch<{ Params: IdParams }>(`/${type}/:id`, { onRequest }, async (request, reply) =>
      send(reply, patchResource(context.store, kind, type, request.params.id, request.body, ifMatch(request))),
    );
    app.delete<{ Params: IdParams }>(`/${type}/:id`, { onRequest }, async (request, reply) =>
      send(reply, deleteResource(context.store, kind, type, request.params.id, ifMatch(request))),
    );
  }

  const organizations = ADMIN_KINDS.Organization as ResourceKind;
  app.get('/Organization', { onRequest }, async (request, reply) =>
    reply.send(
      searchBundle(context, organizations, 'Organization', queryOf(request), `${context.baseUrl}/Organization`),
    ),
  );
  app.get<{ Params: IdParams }>('/Organization/:id', { onRequest }, async (request, reply) =>
    send(reply, readResource(context.store, organizations, 'Organization', request.params.id)),
  );
}

/** Refuses (401) any caller but the admin client, which authenticates with HTTP Basic. */
export function requireAdmin(context: EmulatorContext, authorization: string | undefined): void {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : undefined;
  const expected = `${context.adminClient.id}:${context.adminClient.secret}`;
  if (decoded === undefined || !sameText(decoded, expected)) {
    throw new OutcomeError(401, 'security', 'Authentication required: Basic credentials of the admin client', {
      'www-authenticate': 'Basic realm="aidbox"',
    });
  }
}

/** Constant-time comparison of two strings (hashes first, so that lengths do not tell either). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
