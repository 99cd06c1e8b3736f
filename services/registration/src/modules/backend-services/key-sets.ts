import { requirePassingJwks } from '../jwks-checks/service.ts';
import type { ServiceContext } from './context.ts';

/** A JWKS service's key set URLs: the one for every environment, and production's own when it has one. */
export interface KeySetUrls {
  readonly jwksUri?: string | null | undefined;
  readonly productionJwksUri?: string | null | undefined;
}

/**
 * Checks each key set URL given (the same live check for both) and refuses the first that fails, naming its field.
 * Both are fetched at once: a draft with two URLs waits for the slower one, not for the sum.
 */
export async function requirePassingKeySets(ctx: ServiceContext, urls: KeySetUrls): Promise<void> {
  await Promise.all([
    urls.jwksUri ? requirePassingJwks(ctx, urls.jwksUri, 'jwksUri') : undefined,
    urls.productionJwksUri ? requirePassingJwks(ctx, urls.productionJwksUri, 'productionJwksUri') : undefined,
  ]);
}
