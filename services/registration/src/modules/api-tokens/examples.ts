// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const TOKEN = {
  id: '0193a5d1-2b3c-7d4e-8f50-617283940a1b',
  name: 'CI pipeline',
  tokenPrefix: 'pbx_pat_9fK2',
  createdAt: '2026-11-02T08:00:00.000Z',
  expiresAt: '2027-01-31T08:00:00.000Z',
  lastUsedAt: '2026-11-20T22:15:03.000Z',
  revokedAt: null,
};

export const CREATE_TOKEN_EXAMPLES = {
  ci: { summary: 'A token for a CI pipeline, for 90 days', value: { name: 'CI pipeline', expiresInDays: 90 } },
} satisfies Record<string, NamedExample>;

export const CREATED_TOKEN_EXAMPLES = {
  created: {
    summary: 'The token itself, shown only in this response',
    value: { ...TOKEN, lastUsedAt: null, token: 'pbx_pat_9fK2aQw8Rt5Yu3Io1Pa7Sd6Fg4Hj2Kl0Zx9Cv8Bn' },
  },
} satisfies Record<string, NamedExample>;

export const TOKEN_LIST_EXAMPLES = {
  list: {
    summary: 'One active token',
    value: { items: [TOKEN], nextCursor: null, lifetimeDays: { default: 90, maximum: 365 } },
  },
} satisfies Record<string, NamedExample>;
