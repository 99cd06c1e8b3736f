import type { AuthenticatedUser } from './repository.ts';

/**
 * The signed-in user of a route behind `authenticate` (a programming error if absent). A leaf module: routes read
 * the user without importing the authentication plugin, which only sets `request.user`.
 */
export function currentUser(request: { readonly user: AuthenticatedUser | null }): AuthenticatedUser {
  if (!request.user) throw new Error('currentUser() used on a route without authentication');
  return request.user;
}
