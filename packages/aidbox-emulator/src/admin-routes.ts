/**
 * Aidbox's own REST API at the server root, in Aidbox format: CRUD and search of `Client` and `AccessPolicy`, and
 * reading `Organization`s (one, or a searchset Bundle). Root may do anything; any other caller (a Client over HTTP
 * Basic, `docs/access-control/authentication/basic-http-authentication.md`, or with an access token) only what an
 * AccessPolicy allows it (`admin-authorization.ts`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AdminTarget, authorizeAdminRequest } from './admin-authorization.ts';
import { authenticateCaller, type Caller } from './callers.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { searchBundle } from './fhir-search.ts';
import { OutcomeError } from './operation-outcome.ts';
import { ifMatch, queryOf, send } from './request-helpers.ts';
import { ADMIN_KINDS, type ResourceKind } from './resource-kinds.ts';
import { deleteResource, patchResource, readResource, updateResource } from './resource-operations.ts';

interface IdParams {
  id: string;
}

type Handler = (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply) => Promise<unknown>;

export function registerAdminRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  // onRequest: strangers are refused (401) before their body is even parsed; preHandler: the policies, which may
  // look at the parsed body.
  const guarded = (type: string, handler: Handler) => ({
    onRequest: async (request: FastifyRequest) => {
      callers.set(request, await authenticateCaller(context, request.headers.authorization));
    },
    preHandler: async (request: FastifyRequest) => {
      const caller = callers.get(request);
      if (!caller) throw new OutcomeError(401, 'security', 'Authentication required');
      const { id } = request.params as Partial<IdParams>;
      const target: AdminTarget = id === undefined ? { type } : { type, id };
      authorizeAdminRequest(context, caller, request, target);
    },
    handler,
  });
  const search = (type: string, kind: ResourceKind) =>
    guarded(type, async (request, reply) =>
      reply.send(searchBundle(context, kind, type, queryOf(request), `${context.baseUrl}/${type}`)),
    );

  for (const type of ['Client', 'AccessPolicy'] as const) {
    const kind = ADMIN_KINDS[type] as ResourceKind;
    const { store } = context;
    app.get(`/${type}`, search(type, kind));
    app.get<{ Params: IdParams }>(
      `/${type}/:id`,
      guarded(type, async (request, reply) => send(reply, readResource(store, kind, type, request.params.id))),
    );
    app.put<{ Params: IdParams }>(
      `/${type}/:id`,
      guarded(type, async (request, reply) =>
        send(reply, updateResource(store, kind, type, request.params.id, request.body, ifMatch(request))),
      ),
    );
    app.patch<{ Params: IdParams }>(
      `/${type}/:id`,
      guarded(type, async (request, reply) =>
        send(reply, patchResource(store, kind, type, request.params.id, request.body, ifMatch(request))),
      ),
    );
    app.delete<{ Params: IdParams }>(
      `/${type}/:id`,
      guarded(type, async (request, reply) =>
        send(reply, deleteResource(store, kind, type, request.params.id, ifMatch(request))),
      ),
    );
  }

  const organizations = ADMIN_KINDS.Organization as ResourceKind;
  app.get('/Organization', search('Organization', organizations));
  app.get<{ Params: IdParams }>(
    '/Organization/:id',
    guarded('Organization', async (request, reply) =>
      send(reply, readResource(context.store, organizations, 'Organization', request.params.id)),
    ),
  );
}
