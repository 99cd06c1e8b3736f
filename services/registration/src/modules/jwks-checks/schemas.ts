import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Ref, StringEnum } from '../../schemas/primitives.ts';

export const JwksUriSchema = Type.String({
  format: 'uri',
  maxLength: 2048,
  pattern: '^https?://',
  description: 'https URL of the public JWK Set the service signs its client assertions with',
});

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
  },
  { $id: 'JwksReport' },
);
export type JwksReport = Static<typeof JwksReportSchema>;

export const JwksCheckRequestSchema = Type.Object(
  { jwksUri: JwksUriSchema },
  { $id: 'JwksCheckRequest', additionalProperties: false },
);

export const JWKS_SCHEMAS = [JwksKeyReportSchema, JwksReportSchema, JwksCheckRequestSchema];
