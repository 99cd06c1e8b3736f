// Where the contract suite runs: a real Aidbox when AIDBOX_CONTRACT_URL, AIDBOX_CONTRACT_CLIENT_ID and
// AIDBOX_CONTRACT_CLIENT_SECRET are set, otherwise the Aidbox emulator on loopback.
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { type AidboxClientOptions, createAidboxClient } from '../../src/index.ts';

/** The part of `@payerbox/aidbox-emulator` the tests use, as its specification describes it. */
export interface Emulator {
  readonly url: string;
  close(): Promise<void>;
  setFaults(faults: {
    errorRate?: number;
    latencyMs?: number;
    dropRate?: number;
    writeConflictRate?: number;
    writeConflictStatus?: 409 | 412;
  }): void;
  requests(): { method: string; path: string; status: number }[];
  resource(type: string, id: string): unknown;
}

interface EmulatorModule {
  startAidboxEmulator(options: {
    host?: string;
    port?: number;
    adminClient: { id: string; secret: string };
    name?: string;
    orgbac?: boolean;
  }): Promise<Emulator>;
}

export interface Target {
  /** `a real Aidbox at <url>` or `the Aidbox emulator`, for messages. */
  readonly description: string;
  readonly real: boolean;
  readonly connection: Pick<AidboxClientOptions, 'baseUrl' | 'clientId' | 'clientSecret'>;
  /** A fresh resource id under this run's random prefix; every id it hands out is deleted at teardown. */
  newId(kind: string): string;
  /** Set for the emulator only. */
  readonly emulator?: Emulator;
}

const VARIABLES = ['AIDBOX_CONTRACT_URL', 'AIDBOX_CONTRACT_CLIENT_ID', 'AIDBOX_CONTRACT_CLIENT_SECRET'] as const;

/** Loads the emulator package, or says why it cannot be used. */
export async function loadEmulator(): Promise<EmulatorModule | string> {
  try {
    const module = (await import('@payerbox/aidbox-emulator')) as Partial<EmulatorModule>;
    if (typeof module.startAidboxEmulator !== 'function') {
      return '@payerbox/aidbox-emulator does not export startAidboxEmulator';
    }
    return module as EmulatorModule;
  } catch (error) {
    return `@payerbox/aidbox-emulator cannot be loaded (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Starts an emulator with a random admin client, closed at teardown. */
export async function startEmulator(t: Test, module: EmulatorModule) {
  const adminClient = { id: 'contract-admin', secret: randomBytes(24).toString('base64url') };
  // OrgBAC on, as on the production Aidbox, so that the organization-bound mapping is exercised too.
  const emulator = await module.startAidboxEmulator({
    host: '127.0.0.1',
    port: 0,
    adminClient,
    name: 'contract',
    orgbac: true,
  });
  t.teardown(() => emulator.close());
  return { emulator, adminClient };
}

/**
 * The contract target for the suite `t`, or a reason to skip it. Against a real Aidbox, ids carry a random prefix
 * and every Client and AccessPolicy handed out by `newId` is deleted at teardown, whatever the tests did.
 */
export async function contractTarget(t: Test): Promise<Target | string> {
  const prefix = `pbx-contract-${randomBytes(4).toString('hex')}`;
  const ids: string[] = [];
  const newId = (kind: string) => {
    const id = `${prefix}-${kind}-${randomBytes(3).toString('hex')}`;
    ids.push(id);
    return id;
  };
  const set = VARIABLES.filter((name) => process.env[name]);
  if (set.length > 0 && set.length < VARIABLES.length) {
    // Half a configuration is a mistake; running against the emulator instead would hide it.
    throw new Error(
      `set all of ${VARIABLES.join(', ')} to run against a real Aidbox (missing: ${VARIABLES.filter((n) => !set.includes(n)).join(', ')})`,
    );
  }
  if (set.length === VARIABLES.length) {
    const connection = {
      baseUrl: process.env.AIDBOX_CONTRACT_URL ?? '',
      clientId: process.env.AIDBOX_CONTRACT_CLIENT_ID ?? '',
      clientSecret: process.env.AIDBOX_CONTRACT_CLIENT_SECRET ?? '',
    };
    t.teardown(async () => {
      const aidbox = createAidboxClient({ ...connection, timeoutMs: 10_000 });
      for (const id of ids) {
        await aidbox.deleteClient(id).catch(() => undefined);
        await aidbox.deleteAccessPolicy(id).catch(() => undefined);
      }
    });
    return { description: `a real Aidbox at ${connection.baseUrl}`, real: true, connection, newId };
  }
  const module = await loadEmulator();
  if (typeof module === 'string') {
    return `no contract target: ${VARIABLES.join(', ')} are not set and ${module}`;
  }
  const { emulator, adminClient } = await startEmulator(t, module);
  return {
    description: 'the Aidbox emulator',
    real: false,
    connection: { baseUrl: emulator.url, clientId: adminClient.id, clientSecret: adminClient.secret },
    newId,
    emulator,
  };
}
