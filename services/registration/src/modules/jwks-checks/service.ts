// The live check itself lives in packages/key-set-check (the notifier re-checks Active services' key sets with it);
// this module turns its report into the API's answer when a failing key set refuses a create, edit or submit.
import { checkJwksUri, type JwksCheckContext, type JwksReport } from '@payerbox/key-set-check';
import { ProblemError } from '../../errors.ts';

/** The configuration fields that name a key set: the one for every environment, and production's own. */
export type KeySetField = 'jwksUri' | 'productionJwksUri';

/** The problem a failing key set answers with: 400, the whole report in `jwksReport`. */
export function jwksProblem(jwksReport: JwksReport, field: KeySetField = 'jwksUri'): ProblemError {
  const first = jwksReport.documentProblems[0] ?? jwksReport.keys.flatMap((key) => key.problems)[0] ?? 'has problems';
  // The headline: the worst problem as a sentence (a published private key before anything else).
  const headline = jwksReport.findings[0]?.message;
  return new ProblemError({
    status: 400,
    code: 'jwks_invalid',
    title: 'The JWKS URI does not serve a usable key set',
    detail: `${headline ?? `The key set at ${jwksReport.jwksUri}: ${first}.`} See jwksReport for every key.`,
    errors: [{ path: `/body/${field}`, message: first }],
    extensions: { jwksReport },
  });
}

/** Checks a key set and refuses a failing one (create, edit, submit). */
export async function requirePassingJwks(
  ctx: JwksCheckContext,
  jwksUri: string,
  field: KeySetField = 'jwksUri',
): Promise<void> {
  const result = await checkJwksUri(ctx, jwksUri);
  if (result.verdict !== 'pass') throw jwksProblem(result, field);
}
