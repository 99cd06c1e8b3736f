import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const OPENAPI_INFO = {
  title: 'Payerbox Backend Services portal API',
  version: '1.0.0',
  description:
    'Register SMART Backend Services (client_credentials) clients, test them in the sandbox, submit them for review, ' +
    'and review them as an administrator. Errors are RFC 9457 problem+json with a stable `code`.',
};

/** Publishes the OpenAPI document at /api/openapi.json and Swagger UI at /api/docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: OPENAPI_INFO,
        servers: [{ url: '/' }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A personal access token (pbx_pat_...) created at POST /api/v1/api-tokens, or an access token of the ' +
                "portal's OpenID Connect issuer",
            },
            sessionCookie: {
              type: 'apiKey',
              in: 'cookie',
              name: 'pbx_session',
              description:
                "The SPAs' session (`__Host-pbx_session` outside development); state-changing requests also need " +
                'X-CSRF-Token and an Origin of the portal',
            },
          },
        },
        security: [{ bearerAuth: [] }, { sessionCookie: [] }],
        tags: [
          { name: 'backend-services', description: "A developer's own backend services" },
          { name: 'admin', description: 'Review and oversight (admin role)' },
          {
            name: 'organizations',
            description: 'The organizations of a multi-organization (OrgBAC) deployment; services belong to one',
          },
          { name: 'api-tokens', description: 'Personal access tokens for partner tooling' },
          { name: 'users', description: 'The caller' },
          { name: 'auth', description: 'Sign-in for the SPAs (OpenID Connect, session cookie, CSRF token)' },
          { name: 'health', description: 'Probes' },
        ],
      },
      // Shared schemas become components named after their $id, so generated clients get readable type names.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `Schema${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
