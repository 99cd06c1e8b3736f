import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { insertSession } from '../../src/modules/auth/repository.ts';
import { hashSessionToken, newSessionToken, sessionCookie } from '../../src/modules/auth/session-cookie.ts';
import type { TestUser } from './app.ts';

/** A browser session of `user`, made directly in the database, and the headers a portal page would send. */
export async function browserSession(app: FastifyInstance, user: Pick<TestUser, 'id'>) {
  const token = newSessionToken();
  const csrfToken = randomBytes(32).toString('base64url');
  await insertSession(app.db, {
    tokenHash: hashSessionToken(token),
    userId: user.id,
    csrfToken,
    idToken: 'unused',
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const cookie = `${sessionCookie(app.config.mode === 'production').name}=${token}`;
  const origin = new URL(app.config.publicUrl).origin;
  return {
    /** Sends an empty-bodied request with the session cookie (and `headers`, e.g. {@link portal}). */
    send: (url: string, headers: Record<string, string>, method = 'POST'): Promise<LightMyRequestResponse> =>
      app.inject({ method: method as 'POST', url, payload: '', headers: { cookie, ...headers } }),
    /** The Origin and CSRF token a portal page sends with every change. */
    portal: { origin, 'x-csrf-token': csrfToken },
  };
}
