import { createKeySetFetcher } from '@payerbox/key-set-check';
import { checkFetchTarget, type Resolver, type SafeFetch } from '@payerbox/safe-fetch';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The only way this service fetches a URL a user gave it (JWKS URIs). */
    safeFetch: SafeFetch;
    /**
     * Refuses a URL stored now and fetched later by another process (webhook endpoints) by the same rules, with the
     * same loopback allowance, without connecting to it.
     */
    checkFetchTarget: (url: string) => Promise<void>;
  }
}

export interface SafeFetchPluginOptions {
  readonly allowLoopback: boolean;
  /** Tests resolve their made-up host names to loopback; production uses the system resolver. */
  readonly resolve?: Resolver | undefined;
}

export const safeFetchPlugin = fp(
  async (app: FastifyInstance, options: SafeFetchPluginOptions) => {
    app.decorate('safeFetch', createKeySetFetcher({ allowLoopback: options.allowLoopback, resolve: options.resolve }));
    app.decorate('checkFetchTarget', (url: string) =>
      checkFetchTarget(url, {
        allowLoopback: options.allowLoopback,
        ...(options.resolve && { resolve: options.resolve }),
      }),
    );
  },
  { name: 'safe-fetch' },
);
