import { AIDBOX_ENVIRONMENT_SOURCES } from '@payerbox/key-set-check';
import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Ref, StringEnum } from '../../schemas/primitives.ts';

export const AidboxEnvironmentSchema = Type.Object(
  {
    tokenEndpointAuthSigningAlgs: Type.Array(Type.String(), {
      description:
        "The algorithms the environment's token endpoint accepts for private_key_jwt client assertions " +
        '(`token_endpoint_auth_signing_alg_values_supported` of its SMART configuration). Sign with one of these',
    }),
    source: StringEnum(AIDBOX_ENVIRONMENT_SOURCES, {
      description:
        'smart-configuration: read from the environment; assumed: its SMART configuration could not be read (or ' +
        'lists no algorithm), so the portal assumes what documented Aidbox advertises, RS384 only',
    }),
    readAt: Nullable(DateTime, { description: 'When the SMART configuration was last read; null when never' }),
  },
  { $id: 'AidboxEnvironment', description: 'What one Aidbox environment advertises to SMART Backend Services clients' },
);

export const AidboxEnvironmentsSchema = Type.Object(
  { sandbox: Ref(AidboxEnvironmentSchema), production: Ref(AidboxEnvironmentSchema) },
  { $id: 'AidboxEnvironments', description: 'What each Aidbox environment advertises (sandbox and production)' },
);
export type AidboxEnvironment = Static<typeof AidboxEnvironmentSchema>;
export type AidboxEnvironments = Static<typeof AidboxEnvironmentsSchema>;

export const AIDBOX_ENVIRONMENT_SCHEMAS = [AidboxEnvironmentSchema, AidboxEnvironmentsSchema];
