import { type AidboxEnvironmentDirectory, createAidboxEnvironmentDirectory } from '@payerbox/key-set-check';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** What each Aidbox environment advertises (its SMART configuration), cached. */
    aidboxEnvironments: AidboxEnvironmentDirectory;
  }
}

export interface AidboxEnvironmentsPluginOptions {
  /** Where this service reaches each Aidbox. */
  readonly urls: { readonly sandbox: string; readonly production: string };
  readonly maxAgeSeconds: number;
}

/**
 * Starts reading both environments' SMART configurations in the background (the app does not wait for Aidbox to
 * start) and keeps them cached. Public documents: no credential is sent.
 */
export const aidboxEnvironmentsPlugin = fp(
  async (app: FastifyInstance, options: AidboxEnvironmentsPluginOptions) => {
    const directory = createAidboxEnvironmentDirectory({
      urls: options.urls,
      maxAgeSeconds: options.maxAgeSeconds,
      log: app.log,
    });
    app.decorate('aidboxEnvironments', directory);
    // A read still running must not log into a closed app.
    app.addHook('preClose', async () => directory.settle());
  },
  { name: 'aidbox-environments' },
);
