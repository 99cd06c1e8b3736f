import { access } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface SpaHostingOptions {
  /** The developer SPA's built folder, served at `/`; undefined leaves it out. */
  readonly developerDir: string | undefined;
  /** The admin SPA's built folder, served at `/admin/`; undefined leaves it out. */
  readonly adminDir: string | undefined;
}

interface HostedSpa {
  readonly variable: 'DEVELOPER_APP_DIR' | 'ADMIN_APP_DIR';
  readonly prefix: '/' | '/admin/';
  readonly root: string;
}

/**
 * The SPAs load only their own bundles and talk only to this origin. Mantine injects `<style>` elements at run time,
 * hence 'unsafe-inline' for styles (never for scripts). Sign-in is a top-level navigation to /api/auth/login, not a
 * form post, so form-action stays 'self'.
 */
export const SPA_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': SPA_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};

// Vite gives everything under assets/ a content-hashed name: a changed file gets a new URL, so browsers may keep it
// for good. Everything else (index.html above all) names the current build and must be revalidated on every load.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * History-API fallback: a page navigation (GET or HEAD accepting text/html) to a client-side route such as
 * `/services/123` gets the SPA's index.html, whose router then shows the page. The API keeps its problem+json 404s,
 * and a missing script or stylesheet fails as such instead of coming back as a page.
 */
function historyFallback(developer: HostedSpa | undefined, admin: HostedSpa | undefined) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    if (!request.headers.accept?.includes('text/html')) return undefined;
    const path = pathOf(request);
    if (isUnder(path, '/api')) return undefined;
    const spa = isUnder(path, '/admin') ? admin : developer;
    if (!spa || path.startsWith(`${spa.prefix}assets/`)) return undefined;
    return reply.sendFile('index.html', spa.root);
  };
}

/**
 * Serves the built developer SPA at `/` and the admin SPA at `/admin/` (each only when configured), with
 * cache headers fit for Vite's hashed assets, a strict Content-Security-Policy, and the history-API fallback.
 * None of these routes appear in the OpenAPI document.
 */
export const spaHostingPlugin = fp(
  async (app: FastifyInstance, options: SpaHostingOptions) => {
    const developer: HostedSpa | undefined = options.developerDir
      ? { variable: 'DEVELOPER_APP_DIR', prefix: '/', root: resolve(options.developerDir) }
      : undefined;
    const admin: HostedSpa | undefined = options.adminDir
      ? { variable: 'ADMIN_APP_DIR', prefix: '/admin/', root: resolve(options.adminDir) }
      : undefined;
    const hosted = [developer, admin].filter((spa) => spa !== undefined);
    if (hosted.length === 0) return;

    for (const spa of hosted) {
      // A folder without index.html is an app that was never built: refuse to start rather than answer 404s.
      await access(join(spa.root, 'index.html')).catch((error: unknown) => {
        throw new Error(`${spa.variable}: ${spa.root} has no index.html (build the app first)`, { cause: error });
      });
    }

    const assetDirs = hosted.map((spa) => join(spa.root, 'assets') + sep);
    const setHeaders = (reply: FastifyReply, filePath: string) => {
      reply.headers(SECURITY_HEADERS);
      reply.header('cache-control', assetDirs.some((dir) => filePath.startsWith(dir)) ? IMMUTABLE : REVALIDATE);
    };
    for (const [index, spa] of hosted.entries()) {
      await app.register(fastifyStatic, {
        root: spa.root,
        prefix: spa.prefix,
        // reply.sendFile (used by the fallback, with either root) may be decorated only once.
        decorateReply: index === 0,
        // An array: with preCompressed, @fastify/static looks a directory's index up only in an array (a string 404s).
        index: ['index.html'],
        // setHeaders decides cache-control per file.
        cacheControl: false,
        // @fastify/static serves dotfiles by default; a build folder has no business publishing any.
        dotfiles: 'ignore',
        // The build writes .br and .gz beside each asset: sent as they are to clients that accept them.
        preCompressed: true,
        setHeaders,
        schemaHide: true,
      });
    }
    if (admin) {
      app.get('/admin', { schema: { hide: true } }, (request, reply) => {
        const query = request.url.slice(pathOf(request).length);
        return reply.redirect(`/admin/${query}`, 301);
      });
    }
    app.addNotFoundFallback(historyFallback(developer, admin));
  },
  { name: 'spa-hosting', dependencies: ['problem-handler'] },
);
