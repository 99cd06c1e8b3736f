import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { applyExamples, type RouteExamples } from '../openapi/examples.ts';

const GETTING_STARTED = `Register SMART Backend Services clients (OAuth \`client_credentials\`, with a JWKS URI and
\`private_key_jwt\` or with a portal-generated client secret), test them against the sandbox Aidbox, submit them for
review, and review them as an administrator.

## Getting started
1. **Get an API token.** Sign in to the developer portal, open **API tokens**, create one and copy it (it is shown
   once). Or, signed in, \`POST /api/v1/api-tokens\`.
2. **Authenticate** every request with \`Authorization: Bearer <token>\`; \`GET /api/v1/me\` tells whose it is.
3. **Register a service:** \`POST /api/v1/backend-services\` (send an \`Idempotency-Key\` to retry safely). A
   client secret, if you chose one, is in this response only.
4. **Wait for the sandbox:** poll \`GET /api/v1/backend-services/{id}\` until \`environments.sandbox.state\` is
   \`ready\` (usually within a second; \`failed\` carries \`error\`). Then get tokens at
   \`environments.sandbox.tokenUrl\` and call \`environments.sandbox.fhirBaseUrl\`.
5. **Submit for review:** \`POST /api/v1/backend-services/{id}/submit\`. Once an administrator approves, the
   production constants appear under \`environments.production\`.

## Conventions
- Errors are RFC 9457 \`application/problem+json\` with a stable \`code\` (the \`Problem\` schema lists them all,
  each always with the same status), \`requestId\` (also the \`X-Request-Id\` header) and, for invalid input,
  \`errors\` naming each field.
- Edits take \`If-Match\` with the \`ETag\` you read (strong comparison).
- Lists page with \`limit\` and the \`nextCursor\` of the previous page.
- Changes are limited per user and per client address (60 and 300 a minute by default); a 429 says when to retry
  in \`Retry-After\`.`;

export const OPENAPI_INFO = {
  title: 'Payerbox Backend Services portal API',
  version: '1.0.0',
  description: GETTING_STARTED,
  license: { name: 'Proprietary', identifier: 'LicenseRef-Payerbox' },
};

/** Publishes the OpenAPI document at /api/openapi.json and Swagger UI at /api/docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    const examples = new Map<string, RouteExamples>();
    app.addHook('onRoute', (route) => {
      const operationId = route.schema?.operationId;
      if (typeof operationId === 'string' && route.config?.examples) examples.set(operationId, route.config.examples);
    });
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
          { name: 'notifications', description: "The caller's in-app notifications and e-mail preferences" },
          { name: 'users', description: 'The caller' },
          { name: 'auth', description: 'Sign-in for the SPAs (OpenID Connect, session cookie, CSRF token)' },
          { name: 'health', description: 'Probes' },
        ],
      },
      transformObject: (document) =>
        'openapiObject' in document ? applyExamples(document.openapiObject, examples) : document.swaggerObject,
      // Shared schemas become components named after their $id, so generated clients get readable type names.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `Schema${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
