// Where the contract suite runs: a real Aidbox when AIDBOX_CONTRACT_URL, AIDBOX_CONTRACT_CLIENT_ID and
// AIDBOX_CONTRACT_CLIENT_SECRET (the provisioning client) are set, plus AIDBOX_CONTRACT_READER_CLIENT_ID and
// _SECRET (the read-only client) for the organization tests; otherwise the Aidbox emulator on loopback, started with
// the production init bundle, whose clients are the same least-privilege ones.
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { type AidboxClientOptions, accessPolicyId, createAidboxClient } from '../../src/index.ts';

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

interface Credential {
  readonly clientId: string;
  readonly clientSecret: string;
}

interface EmulatorModule {
  startAidboxEmulator(options: {
    host?: string;
    port?: number;
    adminClient: { id: string; secret: string };
    initBundle?: { path: string; variables: Record<string, string> };
    name?: string;
    orgbac?: boolean;
  }): Promise<Emulator>;
  portalInitBundle(environment: 'production'): {
    initBundle: { path: string; variables: Record<string, string> };
    credentials: { provisioner: Credential; reader: Credential };
  };
}

type Connection = Pick<AidboxClientOptions, 'baseUrl' | 'clientId' | 'clientSecret'>;

export interface Target {
  /** `a real Aidbox at <url>` or `the Aidbox emulator`, for messages. */
  readonly description: string;
  readonly real: boolean;
  /** The provisioning client, which may write only the portal's Clients (`bs-<32 hex>`) and their policies. */
  readonly connection: Connection;
  /** The read-only client, which may only read Organizations; undefined when a real Aidbox's is not configured. */
  readonly reader: Connection | undefined;
  /**
   * A fresh client id of the portal's form (`bs-<32 hex>`, the only one the provisioning client may write); the
   * Client and its AccessPolicy (`<id>-policy`) are deleted at teardown whatever the tests did.
   */
  newClientId(): string;
  /** Set for the emulator only. */
  readonly emulator?: Emulator;
}

const VARIABLES = ['AIDBOX_CONTRACT_URL', 'AIDBOX_CONTRACT_CLIENT_ID', 'AIDBOX_CONTRACT_CLIENT_SECRET'] as const;
const READER_VARIABLES = ['AIDBOX_CONTRACT_READER_CLIENT_ID', 'AIDBOX_CONTRACT_READER_CLIENT_SECRET'] as const;

/** Loads the emulator package, or says why it cannot be used. */
export async function loadEmulator(): Promise<EmulatorModule | string> {
  try {
    const module = (await import('@payerbox/aidbox-emulator')) as Partial<EmulatorModule>;
    if (typeof module.startAidboxEmulator !== 'function' || typeof module.portalInitBundle !== 'function') {
      return '@payerbox/aidbox-emulator does not export startAidboxEmulator and portalInitBundle';
    }
    return module as EmulatorModule;
  } catch (error) {
    return `@payerbox/aidbox-emulator cannot be loaded (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Starts an emulator as production runs (init bundle, OrgBAC, sample data), closed at teardown; answers the
 * connections of the portal's provisioning and read-only clients there.
 */
export async function startEmulator(t: Test, module: EmulatorModule) {
  const root = { id: 'root', secret: randomBytes(24).toString('base64url') };
  const { initBundle, credentials } = module.portalInitBundle('production');
  // OrgBAC on, as on the production Aidbox, so that the organization-bound mapping is exercised too.
  const emulator = await module.startAidboxEmulator({
    host: '127.0.0.1',
    port: 0,
    adminClient: root,
    initBundle,
    name: 'contract',
    orgbac: true,
  });
  t.teardown(() => emulator.close());
  const connection = (credential: Credential): Connection => ({ baseUrl: emulator.url, ...credential });
  return { emulator, provisioner: connection(credentials.provisioner), reader: connection(credentials.reader) };
}

/** A client id of the form the registration service gives its clients, the only one the provisioner may write. */
export function portalClientId(): string {
  return `bs-${randomBytes(16).toString('hex')}`;
}

/**
 * The contract target for the suite `t`, or a reason to skip it. Against a real Aidbox every Client handed out by
 * `newClientId`, and its AccessPolicy, is deleted at teardown, whatever the tests did.
 */
export async function contractTarget(t: Test): Promise<Target | string> {
  const ids: string[] = [];
  const newClientId = () => {
    const id = portalClientId();
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
    const baseUrl = process.env.AIDBOX_CONTRACT_URL ?? '';
    const connection = {
      baseUrl,
      clientId: process.env.AIDBOX_CONTRACT_CLIENT_ID ?? '',
      clientSecret: process.env.AIDBOX_CONTRACT_CLIENT_SECRET ?? '',
    };
    const readerId = process.env.AIDBOX_CONTRACT_READER_CLIENT_ID;
    const readerSecret = process.env.AIDBOX_CONTRACT_READER_CLIENT_SECRET;
    if ((readerId === undefined) !== (readerSecret === undefined)) {
      throw new Error(`set both or neither of ${READER_VARIABLES.join(', ')}`);
    }
    t.teardown(async () => {
      const aidbox = createAidboxClient({ ...connection, timeoutMs: 10_000 });
      for (const id of ids) {
        await aidbox.deleteAccessPolicy(accessPolicyId(id)).catch(() => undefined);
        await aidbox.deleteClient(id).catch(() => undefined);
      }
    });
    return {
      description: `a real Aidbox at ${baseUrl}`,
      real: true,
      connection,
      reader: readerId && readerSecret ? { baseUrl, clientId: readerId, clientSecret: readerSecret } : undefined,
      newClientId,
    };
  }
  const module = await loadEmulator();
  if (typeof module === 'string') {
    return `no contract target: ${VARIABLES.join(', ')} are not set and ${module}`;
  }
  const { emulator, provisioner, reader } = await startEmulator(t, module);
  return { description: 'the Aidbox emulator', real: false, connection: provisioner, reader, newClientId, emulator };
}
