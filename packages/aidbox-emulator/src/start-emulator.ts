import type { AddressInfo } from 'node:net';
import { DEFAULT_UNVERIFIED_OPERATION_IDS } from './access-policies.ts';
import { createTokenSigner } from './access-tokens.ts';
import { buildEmulatorApp } from './app.ts';
import { ASSERTION_ALGORITHMS, ClientAssertionVerifier } from './client-assertion.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { ExportJobs } from './export-jobs.ts';
import { ExportStorage } from './export-storage.ts';
import { normalizeFaults } from './faults.ts';
import { isFhirResourceType } from './fhir-resource-types.ts';
import { applyInitBundle, readInitBundle } from './init-bundle.ts';
import type { AidboxEmulator, EmulatorOptions } from './options.ts';
import { orgbacOperations } from './orgbac.ts';
import { RequestHolds } from './request-holds.ts';
import { aidboxView } from './resource-kinds.ts';
import { ResourceStore } from './resource-store.ts';
import { loadSeedData } from './seed-data.ts';
import { DOCUMENTED_WILDCARD_EXPANSION } from './smart-scopes.ts';
import { loadSyntheticData } from './synthetic-data.ts';

/**
 * Starts an Aidbox emulator: an in-memory, faithful stand-in for the part of Aidbox's API the portal uses (admin
 * REST for Client and AccessPolicy, the token endpoint, SMART discovery and a FHIR API guarded by scopes and
 * AccessPolicies). For local runs and tests only; production code never imports it.
 *
 * It listens on `127.0.0.1` and a random port unless told otherwise; `close()` stops it.
 *
 * @throws RangeError when the options are invalid; InitBundleError when the init bundle cannot be applied.
 */
export async function startAidboxEmulator(options: EmulatorOptions): Promise<AidboxEmulator> {
  const { adminClient } = options;
  if (!adminClient?.id || !adminClient.secret || adminClient.id.includes(':')) {
    throw new RangeError('adminClient needs a non-empty id (without ":") and a non-empty secret');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer 0..65535');
  if (options.baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(options.baseUrl)) {
    throw new RangeError('baseUrl must be an http(s) URL');
  }
  const algorithms = options.assertionAlgorithms ?? ASSERTION_ALGORITHMS;
  if (algorithms.length === 0 || algorithms.some((alg) => !(ASSERTION_ALGORITHMS as readonly string[]).includes(alg))) {
    throw new RangeError(`assertionAlgorithms must be a non-empty list of ${ASSERTION_ALGORITHMS.join(', ')}`);
  }
  const ttlMs = options.jwksCache?.ttlMs;
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs >= 0)) {
    throw new RangeError('jwksCache.ttlMs must be a number of milliseconds, 0 or more');
  }
  const exportSettings = exportSettingsOf(options);
  const host = options.host ?? '127.0.0.1';
  const syntheticPatients = options.syntheticPatients ?? 0;
  if (!Number.isInteger(syntheticPatients) || syntheticPatients < 0) {
    throw new RangeError('syntheticPatients must be a whole number, 0 or more');
  }
  const store = new ResourceStore({ keepsHistory: isFhirResourceType });
  const orgbac = options.orgbac ?? false;
  if (options.initBundle) {
    applyInitBundle(store, await readInitBundle(options.initBundle));
    // Root is checked first on Basic: a bundle Client under its id would silently get root's rights in tests.
    if (store.get('Client', adminClient.id)) {
      throw new RangeError(`adminClient.id ${adminClient.id} is also a Client of the init bundle`);
    }
  }
  // After the bundle: where both hold the same sample resource, the emulator's own version (bound to its
  // organizations only with OrgBAC) is the one that counts.
  if (options.seed ?? true) loadSeedData(store, { orgbac });
  if (syntheticPatients > 0) loadSyntheticData(store, syntheticPatients);
  const context: EmulatorContext = {
    name: options.name ?? 'aidbox-emulator',
    store,
    signer: await createTokenSigner(),
    assertions: new ClientAssertionVerifier({
      algorithms: [...new Set(algorithms)],
      ...(options.jwksCache && { jwksCache: options.jwksCache }),
    }),
    adminClient: { id: adminClient.id, secret: adminClient.secret },
    orgbac: orgbac ? { operations: orgbacOperations(options.orgbacWriteOperations) } : null,
    baseUrl: '',
    faults: normalizeFaults(options.faults),
    holds: new RequestHolds(),
    recorded: [],
    smartWildcardTypes: [...(options.smartWildcardTypes ?? DOCUMENTED_WILDCARD_EXPANSION)],
    operationIds: { ...DEFAULT_UNVERIFIED_OPERATION_IDS, ...options.unverifiedOperationIds },
    exports: exportSettings,
  };
  const app = await buildEmulatorApp(context);
  await app.listen({ host, port });
  const actualPort = (app.server.address() as AddressInfo).port;
  context.baseUrl = (options.baseUrl ?? `http://127.0.0.1:${actualPort}`).replace(/\/+$/, '');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${actualPort}`,
    close: () => {
      // Requests still held would keep the server open for ever: they go unanswered, as if never received.
      context.holds.dropAll();
      // Running exports stop and every export file is deleted with the emulator.
      closing ??= app.close().then(() => exportSettings.jobs.close());
      return closing;
    },
    setFaults: (faults) => {
      context.faults = normalizeFaults(faults);
    },
    hold: (options) => context.holds.add(options),
    holdExports: (count) => exportSettings.jobs.hold(count),
    requests: () => context.recorded.map((request) => ({ ...request })),
    resource: (type, id) => {
      const stored = store.get(type, id);
      return stored ? aidboxView(stored) : undefined;
    },
  };
}

/** The bulk export settings and their job registry; RangeError for invalid options. */
function exportSettingsOf(options: EmulatorOptions): EmulatorContext['exports'] {
  const maxConcurrent = options.maxConcurrentExports ?? 1;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError('maxConcurrentExports must be a whole number, 1 or more');
  }
  const retentionMs = options.exportRetentionMs ?? 60 * 60 * 1000;
  if (!(Number.isFinite(retentionMs) && retentionMs > 0)) throw new RangeError('exportRetentionMs must be positive');
  const retryAfterSeconds = options.exportRetryAfterSeconds ?? 1;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
    throw new RangeError('exportRetryAfterSeconds must be a whole number of seconds');
  }
  const now = options.exportClock ?? Date.now;
  const storage = new ExportStorage();
  return {
    jobs: new ExportJobs({ storage, maxConcurrent, retentionMs, retryAfterSeconds, now }),
    storage,
    requiresAccessToken: options.exportRequiresAccessToken ?? true,
    retryAfterSeconds,
    now,
  };
}

/** The host to put in a URL: loopback for wildcard addresses, brackets around IPv6 literals. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
