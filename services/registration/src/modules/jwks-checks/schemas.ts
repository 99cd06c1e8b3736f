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
    usable: Type.Boolean({ description: 'Whether the service may sign SMART assertions with this key' }),
    problems: Type.Array(Type.String(), { description: 'What makes the set fail' }),
    notes: Type.Array(Type.String(), { description: 'Why a harmless key is not used' }),
  },
  { $id: 'JwksKeyReport' },
);

export const JwksReportSchema = Type.Object(
  {
    jwksUri: Type.String(),
    verdict: StringEnum(['pass', 'fail']),
    checkedAt: DateTime,
    httpStatus: Nullable(Type.Integer({ description: 'null when the document could not be fetched' })),
    contentType: Nullable(Type.String()),
    cacheControl: Nullable(Type.String({ description: 'As the key set server sent it; token servers cache by it' })),
    documentProblems: Type.Array(Type.String()),
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
