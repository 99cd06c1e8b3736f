import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problems } from '../errors.ts';
import { hashToken, looksLikeToken } from '../modules/api-tokens/token-format.ts';
import { type AuthenticatedUser, findUserByTokenHash } from '../modules/users/repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate`; routes behind it can rely on it. */
    user: AuthenticatedUser | null;
  }
  interface FastifyInstance {
    /** onRequest hook: 401 unless the request carries valid credentials. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** onRequest hook for admin routes: 401 without credentials, 403 without the admin role. */
    requireAdmin(request: FastifyRequest): Promise<void>;
  }
}

// last_used_at is informative; writing it at most once a minute keeps reads from turning into writes.
const LAST_USED_RESOLUTION_MS = 60_000;

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw problems.unauthenticated('The Authorization header must be "Bearer <token>".', 'invalid_token');
  return match[1];
}

export const authenticationPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('user', null);

    async function authenticate(request: FastifyRequest): Promise<void> {
      const token = bearerToken(request);
      if (token === undefined) throw problems.unauthenticated('Send an API token as "Authorization: Bearer <token>".');
      if (!looksLikeToken(token)) throw problems.unauthenticated('The token is not valid.', 'invalid_token');
      const found = await findUserByTokenHash(app.db, hashToken(token));
      if (!found) throw problems.unauthenticated('The token is unknown, revoked or expired.', 'invalid_token');
      const { tokenId, lastUsedAt, ...user } = found;
      request.user = user;
      if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await app.db.updateTable('apiTokens').set({ lastUsedAt: new Date() }).where('id', '=', tokenId).execute();
      }
    }

    app.decorate('authenticate', authenticate);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      await authenticate(request);
      if (request.user?.role !== 'admin') throw problems.forbidden('This route needs the admin role.');
    });
  },
  { name: 'authentication', dependencies: ['database'] },
);

/** The signed-in user of a route behind `authenticate` (a programming error if absent). */
export function currentUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw new Error('currentUser() used on a route without authentication');
  return request.user;
}
