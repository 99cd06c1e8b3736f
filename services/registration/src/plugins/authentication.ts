import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError, problems } from '../errors.ts';
import type { TokenCache, TokenGrant } from '../modules/api-tokens/token-cache.ts';
import { hashToken, looksLikeToken } from '../modules/api-tokens/token-format.ts';
import { startTokenCache } from '../modules/api-tokens/token-invalidation.ts';
import { createRelyingParty, type OidcRelyingParty, roleFromClaims } from '../modules/auth/oidc.ts';
import { deleteSession, findSession, type SessionRecord, touchSession } from '../modules/auth/repository.ts';
import { hashSessionToken, sameToken, sessionCookie } from '../modules/auth/session-cookie.ts';
import {
  type AuthenticatedUser,
  findUserByIdentity,
  findUserByTokenHash,
  upsertUserByIdentity,
} from '../modules/users/repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate`; routes behind it can rely on it. */
    user: AuthenticatedUser | null;
    /** The browser session the request came with, when it authenticated by cookie. */
    session: SessionRecord | null;
  }
  interface FastifyInstance {
    /** onRequest hook: 401 unless the request carries valid credentials. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** onRequest hook for admin routes: 401 without credentials, 403 without the admin role. */
    requireAdmin(request: FastifyRequest): Promise<void>;
    /** The OpenID relying party, when sign-in is configured. */
    relyingParty: OidcRelyingParty | undefined;
    /** Users behind recently seen API tokens; undefined when API_TOKEN_CACHE_SECONDS is 0. */
    tokenCache: TokenCache | undefined;
  }
}

// last_used_at and last_seen_at are informative at this resolution; writing them at most once a minute keeps reads
// from turning into writes.
const TOUCH_RESOLUTION_MS = 60_000;
/** Methods that change nothing: no CSRF check, no write limits. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw problems.unauthenticated('The Authorization header must be "Bearer <token>".', 'invalid_token');
  return match[1];
}

const csrfFailure = (detail: string) =>
  new ProblemError({ status: 403, code: 'csrf_failed', title: 'Cross-site request refused', detail });

export const authenticationPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const cookieSettings = sessionCookie(config.mode === 'production');
    const publicOrigin = new URL(config.publicUrl).origin;
    const relyingParty = config.oidc
      ? createRelyingParty(config.oidc, { allowHttp: config.mode === 'development' })
      : undefined;
    await app.register(cookie);
    app.decorate('relyingParty', relyingParty);
    app.decorateRequest('user', null);
    app.decorateRequest('session', null);

    const tokenCache = await startTokenCache(app);
    app.decorate('tokenCache', tokenCache);

    async function readTokenGrant(hash: Buffer, key: string): Promise<TokenGrant> {
      const readAt = tokenCache?.epoch();
      const found = await findUserByTokenHash(app.db, hash);
      if (!found) throw problems.unauthenticated('The token is unknown, revoked or expired.', 'invalid_token');
      const { tokenId, lastUsedAt, expiresAt, ...user } = found;
      const grant: TokenGrant = { user, tokenId, lastUsedAt, expiresAt };
      if (readAt !== undefined) tokenCache?.set(key, grant, readAt);
      return grant;
    }

    async function personalAccessToken(token: string): Promise<AuthenticatedUser> {
      const hash = hashToken(token);
      const key = hash.toString('hex');
      const grant = tokenCache?.get(key) ?? (await readTokenGrant(hash, key));
      if (!grant.lastUsedAt || Date.now() - grant.lastUsedAt.getTime() > TOUCH_RESOLUTION_MS) {
        grant.lastUsedAt = new Date();
        await app.db
          .updateTable('apiTokens')
          .set({ lastUsedAt: grant.lastUsedAt })
          .where('id', '=', grant.tokenId)
          .execute();
      }
      return grant.user;
    }

    /** An access token of the configured issuer (partner tooling signed in with the organisation's IdP). */
    async function issuerAccessToken(token: string): Promise<AuthenticatedUser> {
      if (!relyingParty) throw problems.unauthenticated('The token is not valid.', 'invalid_token');
      let claims: Awaited<ReturnType<OidcRelyingParty['verifyAccessToken']>>;
      try {
        claims = await relyingParty.verifyAccessToken(token);
      } catch (error) {
        if (error instanceof ProblemError) throw error;
        throw problems.unauthenticated('The access token is not valid for this portal.', 'invalid_token');
      }
      const issuer = claims.iss as string;
      const subject = claims.sub as string;
      const role = roleFromClaims(claims, relyingParty.settings);
      if (typeof claims.email === 'string') {
        return upsertUserByIdentity(app.db, {
          issuer,
          subject,
          email: claims.email,
          emailVerified: claims.email_verified === true,
          name: typeof claims.name === 'string' ? claims.name : claims.email,
          role,
        });
      }
      const known = await findUserByIdentity(app.db, issuer, subject);
      if (!known) {
        throw problems.unauthenticated('Sign in to the portal once before using access tokens.', 'unknown_user');
      }
      return known;
    }

    /** The browser session: lifetimes, then CSRF for state-changing requests. */
    async function cookieSession(request: FastifyRequest, token: string): Promise<AuthenticatedUser> {
      const found = await findSession(app.db, hashSessionToken(token));
      if (!found) throw problems.unauthenticated('The session has ended; sign in again.', 'session_expired');
      const { session, user } = found;
      const idleLimit = Date.now() - config.session.idleMinutes * 60_000;
      if (session.expiresAt.getTime() <= Date.now() || session.lastSeenAt.getTime() <= idleLimit) {
        await deleteSession(app.db, session.id);
        throw problems.unauthenticated('The session has ended; sign in again.', 'session_expired');
      }
      if (!SAFE_METHODS.has(request.method)) {
        // Both defences: an Origin (or Referer) of our own, and the synchronizer token only our pages can read.
        const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
        if (origin !== publicOrigin) throw csrfFailure('The request did not come from the portal.');
        const submitted = request.headers['x-csrf-token'];
        if (!sameToken(typeof submitted === 'string' ? submitted : undefined, session.csrfToken)) {
          throw csrfFailure('Send the X-CSRF-Token header of GET /api/auth/session with every change.');
        }
      }
      if (Date.now() - session.lastSeenAt.getTime() > TOUCH_RESOLUTION_MS) await touchSession(app.db, session.id);
      request.session = session;
      return user;
    }

    async function authenticate(request: FastifyRequest): Promise<void> {
      const bearer = bearerToken(request);
      if (bearer !== undefined) {
        request.user = looksLikeToken(bearer) ? await personalAccessToken(bearer) : await issuerAccessToken(bearer);
        return;
      }
      const sessionToken = request.cookies[cookieSettings.name];
      if (sessionToken) {
        request.user = await cookieSession(request, sessionToken);
        return;
      }
      throw problems.unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>".');
    }

    app.decorate('authenticate', authenticate);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      await authenticate(request);
      if (request.user?.role !== 'admin') throw problems.forbidden('This route needs the admin role.');
    });
  },
  { name: 'authentication', dependencies: ['database'] },
);

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
