export { type AddressVerdict, checkAddress } from './address-policy.ts';
export {
  createSafeFetcher,
  type Resolver,
  type SafeFetch,
  SafeFetchError,
  type SafeFetchErrorCode,
  type SafeFetchOptions,
  type SafeResponse,
} from './safe-fetch.ts';
