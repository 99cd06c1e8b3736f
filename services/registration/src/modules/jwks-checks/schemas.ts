import { KEY_SET_FINDING_CODES } from '@payerbox/domain';
import { JWKS_FETCH_FINDING_CODES, type JwksReport } from '@payerbox/key-set-check';
import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Ref, StringEnum } from '../../schemas/primitives.ts';

/** A key set URL as the API takes it (jwksUri, productionJwksUri), described for its field. */
export function keySetUrlSchema(description: string) {
  return Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://', description });
}

export const JwksUriSchema = keySetUrlSchema(
  'https URL of the public JWK Set the service signs its client assertions with',
);

export const JwksKeyReportSchema = Type.Object(
  {
    index: Type.Integer(),
    kid: Nullable(Type.String()),
    kty: Nullable(Type.String()),
    alg: Nullable(Type.String({ description: 'Declared, or implied by kty and crv' })),
    use: Nullable(Type.String()),
    bits: Nullable(Type.Integer({ description: 'RSA modulus size' })),
    curve: Nullable(Type.String()),
    usable: Type.Boolean({
      description: 'Whether the service may sign SMART assertions with this key in at least one environment',
    }),
    usableIn: Type.Object(
      { sandbox: Type.Boolean(), production: Type.Boolean() },
      {
        description:
          "Whether each environment accepts assertions signed with this key: the key's algorithm is among those " +
          'the environment advertises (GET /api/v1/environments)',
      },
    ),
    problems: Type.Array(Type.String(), { description: 'What makes the set fail' }),
    notes: Type.Array(Type.String(), {
      description: 'Why a harmless key is not used, or not in some environment ("production advertises only RS384")',
    }),
  },
  { $id: 'JwksKeyReport' },
);

export const JwksReportSchema = Type.Object(
  {
    jwksUri: Type.String(),
    verdict: StringEnum(['pass', 'fail'], {
      description: 'pass: no key is broken or unsafe, and every environment has at least one key it accepts',
    }),
    checkedAt: DateTime,
    httpStatus: Nullable(Type.Integer({ description: 'null when the document could not be fetched' })),
    contentType: Nullable(Type.String()),
    cacheControl: Nullable(Type.String({ description: 'As the key set server sent it; token servers cache by it' })),
    documentProblems: Type.Array(Type.String(), {
      description: 'What makes the whole set fail, e.g. an environment that can use none of its keys',
    }),
    keys: Type.Array(Ref(JwksKeyReportSchema)),
    findings: Type.Array(
      Type.Object({
        code: StringEnum([...JWKS_FETCH_FINDING_CODES, ...KEY_SET_FINDING_CODES], {
          description:
            'Stable, for programs: why the URL could not be fetched (the safe fetcher’s codes, `http_status`), or ' +
            'what is wrong with the set (`private_key_published`, `secret_key_published`, `not_json`, ' +
            '`not_a_key_set`, `key_set_problem`, `key_problem`)',
        }),
        message: Type.String({ description: 'What is wrong, and what to do, as sentences to show a person' }),
      }),
      {
        description:
          'Every problem as sentences, the worst first (a published private key, then a URL that cannot be ' +
          'fetched, then the set, then single keys); empty when the set passes. The first is the headline.',
      },
    ),
  },
  { $id: 'JwksReport' },
);
/**
 * The check's report (packages/key-set-check) as the API documents it. Each must fit the other (the checks below), so
 * a field added to one and not the other fails the typecheck.
 */
export type DocumentedJwksReport = Static<typeof JwksReportSchema>;
export type ReportFitsSchema = Fits<JwksReport, DocumentedJwksReport>;
export type SchemaFitsReport = Fits<DocumentedJwksReport, JwksReport>;
type Fits<Actual extends Expected, Expected> = Actual;

export const JwksCheckRequestSchema = Type.Object(
  { jwksUri: JwksUriSchema },
  { $id: 'JwksCheckRequest', additionalProperties: false },
);

export const JWKS_SCHEMAS = [JwksKeyReportSchema, JwksReportSchema, JwksCheckRequestSchema];
