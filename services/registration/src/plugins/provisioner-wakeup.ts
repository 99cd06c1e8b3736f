import { wakeProvisioner } from '@payerbox/provisioning-outbox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Tells the provisioner workers that jobs were queued; call once the transaction that queued them committed. */
    wakeProvisioner: () => void;
  }
}

export interface Wakeup {
  /** Asks for a send that starts after this call. Never throws, never waits. */
  request(): void;
  /** Resolves once no send is in flight or owed. */
  settle(): Promise<void>;
}

/**
 * Coalesces requests for one idempotent action: while a send is in flight, any number of requests are served by one
 * more send after it, so each request is followed by a send that starts after it, and at most one runs at a time.
 */
export function coalescingWakeup(send: () => Promise<void>, onError: (error: unknown) => void): Wakeup {
  let running: Promise<void> | undefined;
  let owed = false;
  const drain = async () => {
    do {
      owed = false;
      try {
        await send();
      } catch (error) {
        onError(error);
      }
    } while (owed);
    running = undefined;
  };
  return {
    request() {
      if (running) owed = true;
      else running = drain();
    },
    settle: () => running ?? Promise.resolve(),
  };
}

/**
 * Wakes the provisioner (LISTEN on the outbox's channel) after provisioning was queued, from outside the queuing
 * transaction. A NOTIFY inside it would take PostgreSQL's database-wide notification lock at commit and hold it
 * through the commit's WAL flush, serializing every create and lifecycle change behind one another's disk writes.
 * The wake-up is only a hint: the jobs are rows, and a worker that misses one (a failed send, a crash between commit
 * and send) finds them when it next polls.
 */
export const provisionerWakeupPlugin = fp(
  async (app: FastifyInstance) => {
    const wakeup = coalescingWakeup(
      async () => {
        await wakeProvisioner(app.db);
      },
      (error) =>
        app.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'could not wake the provisioner; it finds the queued jobs when it next polls',
        ),
    );
    app.decorate('wakeProvisioner', wakeup.request);
    // Before the pool closes: a wake-up owed for a request that already answered is still sent.
    app.addHook('onClose', () => wakeup.settle());
  },
  { name: 'provisioner-wakeup', dependencies: ['database'] },
);
