import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie: httpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site POSTs), Path=/. Outside
 * development it is Secure and carries the `__Host-` prefix, which browsers only accept from https without a Domain,
 * so no sibling subdomain can plant or overwrite it.
 */
export function sessionCookie(secure: boolean) {
  return {
    name: secure ? '__Host-pbx_session' : 'pbx_session',
    options: { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' },
  };
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function sameToken(submitted: string | undefined, expected: string): boolean {
  if (submitted === undefined) return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
