/** Assembles one emulator: body parsers, error rendering, faults, request log and the routes. Never listens. */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerDiscoveryRoutes } from './discovery-routes.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { pathOf, registerFaultInjection } from './faults.ts';
import { registerFhirRoutes } from './fhir-routes.ts';
import { type IssueCode, OutcomeError, operationOutcome } from './operation-outcome.ts';
import { OAuthError, registerTokenEndpoint, sendOAuthError } from './token-endpoint.ts';

export async function buildEmulatorApp(context: EmulatorContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  // FHIR's, RFC 7396's and RFC 6902's media types carry JSON (a JSON Patch reaches the policies, then answers 415);
  // the token endpoint takes forms (RFC 6749 §4.4.2).
  const json = app.getDefaultJsonParser('error', 'error');
  const jsonTypes = ['application/fhir+json', 'application/merge-patch+json', 'application/json-patch+json'];
  app.addContentTypeParser(jsonTypes, { parseAs: 'string' }, json);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(body as string));
  });

  const dropped = registerFaultInjection(app, context);
  app.addHook('onResponse', async (request, reply) => {
    if (dropped.has(request)) return;
    context.recorded.push({ method: request.method, path: pathOf(request), status: reply.statusCode });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OutcomeError) return reply.code(error.status).headers(error.headers).send(error.body);
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status < 500 && isTokenEndpoint(request)) {
      return sendOAuthError(
        reply,
        new OAuthError(400, 'invalid_request', `the request is malformed: ${error.message}`),
      );
    }
    // 5xx bodies say nothing of internals.
    const diagnostics = status < 500 ? error.message : 'Internal error';
    return reply.code(status).send(new OutcomeError(status, issueCodeFor(status), diagnostics).body);
  });
  app.setNotFoundHandler((request, reply) => {
    const diagnostics = `No route for ${request.method} ${pathOf(request)}`;
    return reply.code(404).send(operationOutcome([{ severity: 'fatal', code: 'not-found', diagnostics }]));
  });

  registerDiscoveryRoutes(app, context);
  registerTokenEndpoint(app, context);
  registerAdminRoutes(app, context);
  registerFhirRoutes(app, context);
  await app.ready();
  return app;
}

function isTokenEndpoint(request: FastifyRequest): boolean {
  return pathOf(request) === '/auth/token';
}

function issueCodeFor(status: number): IssueCode {
  switch (status) {
    case 413:
      return 'too-costly';
    case 415:
      return 'not-supported';
    case 404:
      return 'not-found';
    default:
      return status < 500 ? 'structure' : 'exception';
  }
}
