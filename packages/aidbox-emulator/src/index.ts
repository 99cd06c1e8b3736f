/**
 * `@payerbox/aidbox-emulator`: a faithful in-memory stand-in for the Aidbox API subset the portal uses, for local runs
 * and tests. Production code never imports it.
 */
export type { UnverifiedOperationIds } from './access-policies.ts';
export { ASSERTION_ALGORITHMS, DOCUMENTED_AIDBOX_ASSERTION_ALGORITHMS } from './client-assertion.ts';
export type { ExportHold } from './export-jobs.ts';
export { InitBundleError } from './init-bundle.ts';
export type {
  AidboxEmulator,
  AssertionAlgorithm,
  EmulatorOptions,
  FaultOptions,
  InitBundleOptions,
  RecordedRequest,
} from './options.ts';
export * from './portal-aidbox.ts';
export type { HeldRequest, HoldOptions, RequestHold } from './request-holds.ts';
export { SAMPLE_GROUP_IDS } from './seed-data.ts';
export { DOCUMENTED_WILDCARD_EXPANSION } from './smart-scopes.ts';
export { startAidboxEmulator } from './start-emulator.ts';
