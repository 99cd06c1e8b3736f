import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problemOf } from '../errors.ts';
import { pathOf, sendProblem } from './problem-handler.ts';

/** A route pattern (`/api/v1/backend-services/:id`) as a matcher of paths, with the methods registered for it. */
interface RoutePath {
  readonly matches: RegExp;
  readonly methods: Set<string>;
}

function matcherOf(url: string): RegExp {
  const segments = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * A request whose path has routes, but none for its method (PUT, OPTIONS or TRACE on a service), is answered 405 with
 * the methods it has in `Allow` (RFC 9110 §15.5.6), not 404: the path exists. Catch-all routes (the SPAs' `/*`, the
 * API docs' assets) match any path below them, which does not make such a path exist, so they are left out. This runs
 * only for requests that matched no route.
 */
export const methodNotAllowedPlugin = fp(
  async (app: FastifyInstance) => {
    const paths = new Map<string, RoutePath>();
    app.addHook('onRoute', (route) => {
      if (route.url.includes('*')) return;
      const known = paths.get(route.url) ?? { matches: matcherOf(route.url), methods: new Set<string>() };
      for (const method of [route.method].flat()) known.methods.add(method);
      // Fastify answers HEAD for every GET route (exposeHeadRoutes).
      if (known.methods.has('GET')) known.methods.add('HEAD');
      paths.set(route.url, known);
    });
    app.addNotFoundFallback((request, reply) => {
      const path = pathOf(request);
      const allowed = new Set<string>();
      for (const { matches, methods } of paths.values()) {
        if (matches.test(path)) for (const method of methods) allowed.add(method);
      }
      // A path that has a route for this very method came here some other way (e.g. a segment too long for the
      // router, caught by a catch-all): it is not found, whatever else it allows.
      if (allowed.size === 0 || allowed.has(request.method)) return undefined;
      const allow = [...allowed].sort().join(', ');
      const problem = problemOf('method_not_allowed', {
        title: 'Method not allowed',
        detail: `${path} does not answer ${request.method}; it answers ${allow}.`,
        headers: { allow },
      });
      return sendProblem(request, reply, problem);
    });
  },
  { name: 'method-not-allowed', dependencies: ['problem-handler'] },
);
