import { createHash, randomBytes } from 'node:crypto';

/**
 * Personal access tokens look like `pbx_pat_<43 base64url chars>`: 256 random bits behind a prefix that secret
 * scanners can recognise. Only the SHA-256 of the whole token is stored.
 */
export const TOKEN_PREFIX = 'pbx_pat_';
const TOKEN_PATTERN = /^pbx_pat_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** What the token list shows to tell tokens apart, without enough to use one. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
