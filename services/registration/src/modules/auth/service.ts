import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../errors.ts';
import { upsertUserByIdentity } from '../users/repository.ts';
import { type OidcRelyingParty, roleFromClaims } from './oidc.ts';
import { deleteSession, insertSession, type SessionRecord, saveLoginRequest, takeLoginRequest } from './repository.ts';
import { hashSessionToken, newSessionToken } from './session-cookie.ts';

type App = 'developer' | 'admin';

const APP_HOME: Record<App, string> = { developer: '/', admin: '/admin/' };

const signInFailed = (detail: string, cause?: unknown) =>
  new ProblemError({ status: 400, code: 'sign_in_failed', title: 'Sign-in failed', detail, cause });

/**
 * Where to send the user after signing in: a path of the SPA they came from, never another site. Absolute URLs,
 * scheme-relative `//host` paths, backslashes (which browsers read as slashes) and paths of the other SPA or of the
 * API are refused, so the parameter cannot become an open redirect.
 */
export function safeReturnTo(app: App, returnTo: string | undefined): string {
  if (returnTo === undefined || returnTo === '') return APP_HOME[app];
  const ownPath =
    returnTo.startsWith('/') &&
    !returnTo.startsWith('//') &&
    !returnTo.includes('\\') &&
    ![...returnTo].some((character) => character.charCodeAt(0) < 0x20) &&
    !returnTo.startsWith('/api/') &&
    returnTo !== '/api';
  const inAdmin = returnTo === '/admin' || returnTo.startsWith('/admin/') || returnTo.startsWith('/admin?');
  if (!ownPath || (app === 'admin') !== inAdmin) {
    throw new ProblemError({
      status: 400,
      code: 'invalid_return_to',
      title: 'Invalid returnTo',
      detail: `returnTo must be a path of the ${app} portal.`,
      errors: [{ path: '/querystring/returnTo', message: 'is not a path of this portal' }],
    });
  }
  return returnTo;
}

function redirectUri(app: FastifyInstance): string {
  return new URL('/api/auth/callback', app.config.publicUrl).toString();
}

/** Records the authorization request (state, nonce, PKCE verifier) and answers where to send the browser. */
export async function startSignIn(
  app: FastifyInstance,
  rp: OidcRelyingParty,
  portal: App,
  returnTo: string | undefined,
): Promise<string> {
  const target = safeReturnTo(portal, returnTo);
  const request = await rp.authorizationRequest(redirectUri(app));
  await saveLoginRequest(app.db, {
    state: request.state,
    nonce: request.nonce,
    codeVerifier: request.codeVerifier,
    app: portal,
    returnTo: target,
  });
  return request.url.toString();
}

export interface SignedIn {
  readonly sessionToken: string;
  readonly expiresAt: Date;
  readonly returnTo: string;
}

/**
 * Completes the authorization code flow: the state must name a pending request (single use), and openid-client checks
 * the code exchange (PKCE), the ID token's signature, issuer, audience, expiry and nonce. Then the user is created or
 * refreshed from the claims and a new session starts (a new session id at every sign-in).
 */
export async function finishSignIn(
  app: FastifyInstance,
  rp: OidcRelyingParty,
  requestUrl: string,
  query: { state?: string | undefined; error?: string | undefined; error_description?: string | undefined },
): Promise<SignedIn> {
  if (query.error) throw signInFailed(`The identity provider answered ${query.error}.`);
  if (!query.state) throw signInFailed('The callback carries no state.');
  const pending = await takeLoginRequest(app.db, query.state);
  if (!pending) throw signInFailed('This sign-in is unknown, used or expired; start again.');
  const callbackUrl = new URL(requestUrl, app.config.publicUrl);
  let login: Awaited<ReturnType<OidcRelyingParty['completeLogin']>>;
  try {
    login = await rp.completeLogin(callbackUrl, pending);
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw signInFailed('The identity provider did not confirm this sign-in.', error);
  }
  const { claims } = login;
  if (typeof claims.email !== 'string' || !claims.sub || !claims.iss) {
    throw signInFailed('The ID token has no e-mail address; the portal needs the email scope.');
  }
  const user = await upsertUserByIdentity(app.db, {
    issuer: claims.iss,
    subject: claims.sub,
    email: claims.email,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === 'string' && claims.name ? claims.name : claims.email,
    role: roleFromClaims(claims, rp.settings),
  });
  const sessionToken = newSessionToken();
  const expiresAt = new Date(Date.now() + app.config.session.absoluteMinutes * 60_000);
  await insertSession(app.db, {
    tokenHash: hashSessionToken(sessionToken),
    userId: user.id,
    csrfToken: randomBytes(32).toString('base64url'),
    idToken: login.idToken,
    expiresAt,
  });
  return { sessionToken, expiresAt, returnTo: pending.returnTo };
}

/** Ends the session here and answers the issuer's logout URL (RP-initiated logout), when there is one. */
export async function signOut(app: FastifyInstance, session: SessionRecord | null): Promise<string | undefined> {
  if (!session) return undefined;
  await deleteSession(app.db, session.id);
  return app.relyingParty?.logoutUrl(session.idToken, new URL('/', app.config.publicUrl).toString());
}
