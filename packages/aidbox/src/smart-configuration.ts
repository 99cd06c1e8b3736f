/**
 * Reading an Aidbox's SMART configuration (SMART App Launch 2.2 §2.1 "Conformance"). Aidbox documents it at the
 * server root, `GET /.well-known/smart-configuration` (`HealthSamurai/aidbox-docs`
 * `docs/solutions/providers-or-onc-health-it-certification-program/g-10-standardized-api-for-patient-and-population-services/README.md`;
 * Payerbox: `HealthSamurai/payerbox-docs` `docs/api-reference/authentication.md`, "Endpoint discovery"). It is
 * public: no credentials are sent.
 */
import { AidboxError } from './errors.ts';

const OPERATION = 'GET /.well-known/smart-configuration';
/** A SMART configuration is a few kilobytes; anything far larger is not one. */
const MAX_BYTES = 256 * 1024;

/** The parts of a SMART configuration the portal reads. */
export interface SmartConfiguration {
  /**
   * `token_endpoint_auth_signing_alg_values_supported`: the algorithms the token endpoint accepts for
   * `private_key_jwt` client assertions (documented Aidbox: `["RS384"]`; Payerbox: RS384 and ES384). Empty when the
   * document does not list any.
   */
  readonly tokenEndpointAuthSigningAlgValuesSupported: readonly string[];
}

export interface SmartConfigurationOptions {
  /** Per-request timeout; default 5 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Fetches `<baseUrl>/.well-known/smart-configuration`. Throws an AidboxError (`network`, `timeout`, `http_status`,
 * or `invalid_response` for a body that is not a JSON object) when it cannot be read.
 */
export async function readSmartConfiguration(
  baseUrl: string,
  options: SmartConfigurationOptions = {},
): Promise<SmartConfiguration> {
  const url = `${baseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new AidboxError(timedOut ? `${OPERATION} timed out` : `${OPERATION} failed: could not connect`, {
      code: timedOut ? 'timeout' : 'network',
      operation: OPERATION,
      cause: error,
    });
  }
  const text = await response.text().catch((error: unknown) => {
    throw new AidboxError(`${OPERATION} failed while reading the answer`, {
      code: 'network',
      operation: OPERATION,
      cause: error,
    });
  });
  if (response.status !== 200) {
    throw new AidboxError(`${OPERATION} answered ${response.status}`, {
      code: 'http_status',
      operation: OPERATION,
      status: response.status,
    });
  }
  let document: unknown;
  try {
    if (text.length > MAX_BYTES) throw new Error(`the answer is over ${MAX_BYTES} bytes`);
    document = JSON.parse(text);
  } catch (error) {
    throw new AidboxError(`${OPERATION} did not answer JSON`, {
      code: 'invalid_response',
      operation: OPERATION,
      cause: error,
    });
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new AidboxError(`${OPERATION} did not answer a JSON object`, {
      code: 'invalid_response',
      operation: OPERATION,
    });
  }
  const algorithms = (document as Record<string, unknown>).token_endpoint_auth_signing_alg_values_supported;
  return {
    tokenEndpointAuthSigningAlgValuesSupported: Array.isArray(algorithms)
      ? algorithms.filter((alg): alg is string => typeof alg === 'string')
      : [],
  };
}
