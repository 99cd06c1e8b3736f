// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const URI = 'https://keys.partner.example/.well-known/jwks.json';
const CHECKED = { jwksUri: URI, checkedAt: '2026-11-02T09:13:58.004Z' };

export const JWKS_CHECK_EXAMPLES = {
  check: { summary: 'The key set of a service', value: { jwksUri: URI } },
} satisfies Record<string, NamedExample>;

export const JWKS_REPORT_EXAMPLES = {
  pass: {
    summary: 'A usable key set',
    value: {
      ...CHECKED,
      verdict: 'pass',
      httpStatus: 200,
      contentType: 'application/jwk-set+json',
      cacheControl: 'max-age=3600',
      documentProblems: [],
      keys: [
        {
          index: 0,
          kid: 'claims-sync-2026-11',
          kty: 'RSA',
          alg: 'RS384',
          use: 'sig',
          bits: 2048,
          curve: null,
          usable: true,
          problems: [],
          notes: [],
        },
      ],
    },
  },
  unreachable: {
    summary: 'A URL that cannot be fetched',
    value: {
      ...CHECKED,
      verdict: 'fail',
      httpStatus: null,
      contentType: null,
      cacheControl: null,
      documentProblems: ['the URL could not be fetched securely: its certificate has expired'],
      keys: [],
    },
  },
  privateKey: {
    summary: 'A set that publishes private key material',
    value: {
      ...CHECKED,
      verdict: 'fail',
      httpStatus: 200,
      contentType: 'application/json',
      cacheControl: null,
      documentProblems: [],
      keys: [
        {
          index: 0,
          kid: 'claims-sync-2026-11',
          kty: 'EC',
          alg: 'ES384',
          use: 'sig',
          bits: null,
          curve: 'P-384',
          usable: false,
          problems: ['contains private key material (d): publish only the public key'],
          notes: [],
        },
      ],
    },
  },
} satisfies Record<string, NamedExample>;
