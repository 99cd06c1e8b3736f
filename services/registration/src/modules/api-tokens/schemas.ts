import { Type } from 'typebox';
import { NextCursor } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, Uuid } from '../../schemas/primitives.ts';

export const ApiTokenSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    tokenPrefix: Type.String({ description: 'The first characters of the token, to tell tokens apart' }),
    createdAt: DateTime,
    expiresAt: DateTime,
    lastUsedAt: Nullable(DateTime),
    revokedAt: Nullable(DateTime),
  },
  { $id: 'ApiToken', description: 'A personal access token; the token itself is shown only when created' },
);

export const CreatedApiTokenSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    tokenPrefix: Type.String(),
    createdAt: DateTime,
    expiresAt: DateTime,
    lastUsedAt: Nullable(DateTime),
    revokedAt: Nullable(DateTime),
    token: Type.String({ description: 'Use as "Authorization: Bearer <token>". Shown only in this response.' }),
  },
  { $id: 'CreatedApiToken' },
);

export const CreateApiTokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    expiresInDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description:
          'Lifetime in days; 90 by default (or the configured maximum, when lower). The list of tokens says both ' +
          '(`lifetimeDays`); above the maximum is refused.',
      }),
    ),
  },
  { $id: 'CreateApiToken', additionalProperties: false },
);

export const ApiTokenListSchema = Type.Object(
  {
    items: Type.Array(Ref(ApiTokenSchema)),
    nextCursor: NextCursor,
    lifetimeDays: Type.Object(
      {
        default: Type.Integer({ minimum: 1, description: 'What a new token lasts without expiresInDays' }),
        maximum: Type.Integer({ minimum: 1, description: 'The most expiresInDays this deployment accepts' }),
      },
      { description: "A new token's lifetime in days on this deployment (API_TOKEN_MAX_DAYS), for forms to show" },
    ),
  },
  { $id: 'ApiTokenList' },
);

export const API_TOKEN_SCHEMAS = [ApiTokenSchema, CreatedApiTokenSchema, CreateApiTokenSchema, ApiTokenListSchema];
