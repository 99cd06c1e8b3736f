import { createSafeFetcher, type Resolver, type SafeFetch } from '@payerbox/safe-fetch';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The only way this service fetches a URL a user gave it (JWKS URIs). */
    safeFetch: SafeFetch;
  }
}

export interface SafeFetchPluginOptions {
  readonly allowLoopback: boolean;
  /** Tests resolve their made-up host names to loopback; production uses the system resolver. */
  readonly resolve?: Resolver | undefined;
}

export const safeFetchPlugin = fp(
  async (app: FastifyInstance, options: SafeFetchPluginOptions) => {
    app.decorate(
      'safeFetch',
      createSafeFetcher({
        allowLoopback: options.allowLoopback,
        userAgent: 'payerbox-backend-services-portal (JWKS check)',
        ...(options.resolve && { resolve: options.resolve }),
      }),
    );
  },
  { name: 'safe-fetch' },
);
