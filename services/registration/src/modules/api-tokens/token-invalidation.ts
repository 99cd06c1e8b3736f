import { listenForNotifications } from '@payerbox/db';
import type { FastifyInstance } from 'fastify';
import { createTokenCache, type TokenCache } from './token-cache.ts';

/** The channel the principal-changes migration's triggers notify, with the id of the user concerned. */
export const PRINCIPAL_CHANGES_CHANNEL = 'principal_changes';
const MAX_ENTRIES = 10_000;

/**
 * The app's token cache, trusted only while this process LISTENs for principal changes (a lost connection empties it
 * until the listener is back). Undefined when `API_TOKEN_CACHE_SECONDS` is 0. Stops listening when the app closes.
 */
export async function startTokenCache(app: FastifyInstance): Promise<TokenCache | undefined> {
  const { apiTokenCacheSeconds, databaseUrl } = app.config;
  if (apiTokenCacheSeconds === 0) return undefined;
  const cache = createTokenCache({ ttlMs: apiTokenCacheSeconds * 1000, maxEntries: MAX_ENTRIES });
  const listener = await listenForNotifications({
    databaseUrl,
    channel: PRINCIPAL_CHANGES_CHANNEL,
    onNotification: (userId) => cache.invalidateUser(userId),
    onListeningChange: (listening) => cache.setTrusted(listening),
    onError: (error) => app.log.warn({ err: error.message }, 'token cache: lost the principal-changes listener'),
  });
  app.addHook('onClose', () => listener.close());
  return cache;
}
