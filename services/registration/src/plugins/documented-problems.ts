import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { withProblems } from '../openapi/problem-responses.ts';
import type { ProblemCode } from '../problem-codes.ts';
import { SAFE_METHODS } from './authentication.ts';

/** Probes answer before anything that could refuse them (no limits, no validation, no credentials). */
const PROBES = new Set(['/api/health', '/api/ready']);

/**
 * The problems a route answers because of what kind of route it is, not because of what it does: every operation
 * can be refused as malformed, rate limited, failed on our side or refused while the instance drains; a body can be
 * too large or of the wrong type; a path parameter can be too long to route; an authenticated route can lack
 * credentials; a change with the session cookie can fail the CSRF check; an admin route needs the role. Kept in one
 * place next to the code that sends them, so that the OpenAPI document declares every status a client can meet.
 */
export function kindProblems(route: Pick<RouteOptions, 'url' | 'method' | 'schema'>): ProblemCode[] {
  if (PROBES.has(route.url)) return ['internal_error'];
  const codes: ProblemCode[] = ['malformed_request', 'rate_limited', 'internal_error', 'shutting_down'];
  const schema = route.schema ?? {};
  if (schema.body || schema.params || schema.querystring || schema.headers) codes.push('validation_failed');
  if (schema.body) codes.push('payload_too_large', 'unsupported_media_type');
  if (schema.params) codes.push('uri_too_long');
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const changes = methods.some((method) => !SAFE_METHODS.has(method));
  if (route.url.startsWith('/api/v1/')) {
    codes.push('unauthenticated', 'invalid_token', 'session_expired');
    // Only with an access token of the portal's OpenID Connect issuer: its user is looked up (or its e-mail is
    // taken by another account), and the issuer's keys must be read.
    codes.push('unknown_user', 'email_in_use', 'identity_provider_unavailable');
    if (changes) codes.push('csrf_failed');
  }
  if (route.url.startsWith('/api/v1/admin/')) codes.push('forbidden');
  return codes;
}

/** Adds each API route's kind problems to its documented responses (see {@link kindProblems}). */
export const documentedProblemsPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/') || route.schema?.hide) return;
      route.schema = {
        ...route.schema,
        response: withProblems((route.schema?.response ?? {}) as Record<string, unknown>, kindProblems(route)),
      };
    });
  },
  { name: 'documented-problems' },
);
