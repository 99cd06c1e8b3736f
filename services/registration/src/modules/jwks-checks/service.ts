import { type AdvertisedAlgorithms, checkKeySet, type KeySetReport, notJsonReport } from '@payerbox/domain';
import { type SafeFetch, SafeFetchError } from '@payerbox/safe-fetch';
import { ProblemError } from '../../errors.ts';
import type { JwksReport } from './schemas.ts';

function report(jwksUri: string, keySet: KeySetReport, http: Partial<JwksReport> = {}): JwksReport {
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

function failed(jwksUri: string, problem: string, http: Partial<JwksReport> = {}): JwksReport {
  return report(jwksUri, { verdict: 'fail', documentProblems: [problem], keys: [] }, http);
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
    if (error instanceof SafeFetchError) return failed(jwksUri, `the URL ${error.message}`);
    throw error;
  }
  const http = {
    httpStatus: response.status,
    contentType: response.headers['content-type'] ?? null,
    cacheControl: response.headers['cache-control'] ?? null,
  };
  if (response.status !== 200) return failed(jwksUri, `the server answered HTTP ${response.status}, not 200`, http);
  let document: unknown;
  try {
    document = JSON.parse(response.body.toString('utf8'));
  } catch {
    return report(jwksUri, notJsonReport(), http);
  }
  return report(jwksUri, checkKeySet(document, await advertised), http);
}

/** The problem a failing key set answers with: 400, the whole report in `jwksReport`. */
export function jwksProblem(jwksReport: JwksReport): ProblemError {
  const first = jwksReport.documentProblems[0] ?? jwksReport.keys.flatMap((key) => key.problems)[0] ?? 'has problems';
  return new ProblemError({
    status: 400,
    code: 'jwks_invalid',
    title: 'The JWKS URI does not serve a usable key set',
    detail: `The key set at ${jwksReport.jwksUri}: ${first}. See jwksReport for every key.`,
    errors: [{ path: '/body/jwksUri', message: first }],
    extensions: { jwksReport },
  });
}

/** Checks a key set and refuses a failing one (create, edit, submit). */
export async function requirePassingJwks(ctx: JwksCheckContext, jwksUri: string): Promise<void> {
  const result = await checkJwksUri(ctx, jwksUri);
  if (result.verdict !== 'pass') throw jwksProblem(result);
}
