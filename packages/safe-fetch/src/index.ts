export { type AddressVerdict, checkAddress } from './address-policy.ts';
export { type Connector, type DialTarget, tcpConnector } from './connect.ts';
export { SAFE_FETCH_ERROR_CODES, SafeFetchError, type SafeFetchErrorCode } from './errors.ts';
export {
  checkFetchTarget,
  createSafeFetcher,
  type Resolver,
  type SafeFetch,
  type SafeFetchOptions,
  type SafeRequestBody,
  type SafeResponse,
} from './safe-fetch.ts';
