export {
  AIDBOX_ENVIRONMENT_SOURCES,
  type AidboxEnvironment,
  type AidboxEnvironmentDirectory,
  type AidboxEnvironmentSource,
  type AidboxEnvironments,
  createAidboxEnvironmentDirectory,
  type DirectoryOptions,
  type WarningLog,
} from './aidbox-environments.ts';
export {
  checkJwksUri,
  JWKS_FETCH_FINDING_CODES,
  type JwksCheckContext,
  type JwksFetchFindingCode,
  type JwksReport,
} from './check.ts';
export { createKeySetFetcher, type KeySetFetcherOptions } from './fetcher.ts';
