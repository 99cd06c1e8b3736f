import {
  type AdvertisedAlgorithms,
  checkKeySet,
  type Finding,
  type KeyReport,
  type KeySetFindingCode,
  type KeySetReport,
  notJsonReport,
} from '@payerbox/domain';
import { SAFE_FETCH_ERROR_CODES, type SafeFetch, SafeFetchError } from '@payerbox/safe-fetch';

/** Why the key set's URL gave no key set: the safe fetcher's reasons, or an answer other than 200. */
export const JWKS_FETCH_FINDING_CODES = [...SAFE_FETCH_ERROR_CODES, 'http_status'] as const;
export type JwksFetchFindingCode = (typeof JWKS_FETCH_FINDING_CODES)[number];

/**
 * What one live check of a key set URL found: the HTTP answer, the domain's judgement of the set (every key against
 * what each environment advertises) and every problem as sentences, the worst first. The registration API documents
 * it as `JwksReport`; the notifier's re-check keeps its verdict and first finding.
 */
export interface JwksReport {
  readonly jwksUri: string;
  readonly verdict: 'pass' | 'fail';
  /** ISO 8601. */
  readonly checkedAt: string;
  /** null when the document could not be fetched. */
  readonly httpStatus: number | null;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly documentProblems: string[];
  readonly keys: KeyReport[];
  readonly findings: Finding<JwksFetchFindingCode | KeySetFindingCode>[];
}

/** The domain's judgement of a set, or (for a URL that gave none) the same fields with the fetcher's finding. */
type Judgement = KeySetReport | Pick<JwksReport, 'verdict' | 'documentProblems' | 'keys' | 'findings'>;

function report(jwksUri: string, keySet: Judgement, http: Partial<JwksReport> = {}): JwksReport {
  return {
    jwksUri,
    checkedAt: new Date().toISOString(),
    httpStatus: null,
    contentType: null,
    cacheControl: null,
    ...http,
    ...keySet,
  };
}

/** A report for a URL that gave no key set: `problem` completes "the URL …", `finding` says it to a person. */
function failed(
  jwksUri: string,
  problem: string,
  finding: JwksReport['findings'][number],
  http: Partial<JwksReport> = {},
): JwksReport {
  return report(jwksUri, { verdict: 'fail', documentProblems: [problem], keys: [], findings: [finding] }, http);
}

/**
 * The fetcher's reason as a sentence about the URL (its message completes "the URL …" and names no system error
 * code); a refused connection also says what that usually means.
 */
function fetchFinding(jwksUri: string, error: SafeFetchError): JwksReport['findings'][number] {
  const hint: Partial<Record<SafeFetchError['code'], string>> = {
    connection_refused:
      ' Nothing accepts connections at that address and port: check the URL and that the server is running.',
    dns_failed: ' Check the host name for typos.',
    timeout: ' Check that the server is up and reachable from the internet.',
    tls_failed: ' The server must present a valid certificate for its host name.',
  };
  return { code: error.code, message: `The key set URL ${jwksUri} ${error.message}.${hint[error.code] ?? ''}` };
}

/** What a key set check needs: the SSRF-safe fetcher, and what each Aidbox environment advertises. */
export interface JwksCheckContext {
  readonly safeFetch: SafeFetch;
  /** `token_endpoint_auth_signing_alg_values_supported` of each environment (see aidbox-environments). */
  readonly advertisedAlgorithms: () => Promise<AdvertisedAlgorithms>;
}

/**
 * Fetches a JWKS URI through the SSRF-safe fetcher and checks the set with the domain rules, each key against what
 * each environment advertises. Never throws for what the remote side does: an unreachable or broken key set is a
 * failing report.
 */
export async function checkJwksUri(ctx: JwksCheckContext, jwksUri: string): Promise<JwksReport> {
  // Both at once: the algorithms are cached, but the very first check may wait for Aidbox's answer.
  const advertised = ctx.advertisedAlgorithms();
  let response: Awaited<ReturnType<SafeFetch>>;
  try {
    response = await ctx.safeFetch(jwksUri, 'application/jwk-set+json, application/json');
  } catch (error) {
    if (error instanceof SafeFetchError)
      return failed(jwksUri, `the URL ${error.message}`, fetchFinding(jwksUri, error));
    throw error;
  }
  const http = {
    httpStatus: response.status,
    contentType: response.headers['content-type'] ?? null,
    cacheControl: response.headers['cache-control'] ?? null,
  };
  if (response.status !== 200) {
    const message = `The server at ${jwksUri} answered HTTP ${response.status} instead of the key set (HTTP 200): check the URL.`;
    return failed(
      jwksUri,
      `the server answered HTTP ${response.status}, not 200`,
      { code: 'http_status', message },
      http,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(response.body.toString('utf8'));
  } catch {
    return report(jwksUri, notJsonReport(), http);
  }
  return report(jwksUri, checkKeySet(document, await advertised), http);
}
