// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const URI = 'https://keys.partner.example/.well-known/jwks.json';
const CHECKED = { jwksUri: URI, checkedAt: '2026-11-02T09:13:58.004Z' };

export const JWKS_CHECK_EXAMPLES = {
  check: { summary: 'The key set of a service', value: { jwksUri: URI } },
} satisfies Record<string, NamedExample>;

const EVERYWHERE = { sandbox: true, production: true };
const SANDBOX_ONLY = { sandbox: true, production: false };
const NOWHERE = { sandbox: false, production: false };
/** The notes of an ES384 key when production is an Aidbox as documented (RS384 only). */
const ES384_NOT_IN_PRODUCTION = ['production advertises only RS384: this ES384 key cannot be used there'];

const RSA_KEY = {
  index: 0,
  kid: 'claims-sync-2026-11',
  kty: 'RSA',
  alg: 'RS384',
  use: 'sig',
  bits: 2048,
  curve: null,
  usable: true,
  usableIn: EVERYWHERE,
  problems: [],
  notes: [],
};

const EC_KEY = {
  index: 1,
  kid: 'claims-sync-ec-2026-11',
  kty: 'EC',
  alg: 'ES384',
  use: 'sig',
  bits: null,
  curve: 'P-384',
  usable: true,
  usableIn: SANDBOX_ONLY,
  problems: [],
  notes: ES384_NOT_IN_PRODUCTION,
};

export const JWKS_REPORT_EXAMPLES = {
  pass: {
    summary: 'A usable key set: its RSA key works everywhere, its EC key only where ES384 is advertised',
    value: {
      ...CHECKED,
      verdict: 'pass',
      httpStatus: 200,
      contentType: 'application/jwk-set+json',
      cacheControl: 'max-age=3600',
      documentProblems: [],
      keys: [RSA_KEY, EC_KEY],
      findings: [],
    },
  },
  noKeyForProduction: {
    summary: 'An EC-only key set, while production advertises only RS384',
    value: {
      ...CHECKED,
      verdict: 'fail',
      httpStatus: 200,
      contentType: 'application/json',
      cacheControl: null,
      documentProblems: [
        'has no key that production can use (production advertises only RS384): add an RSA key of at least 2048 ' +
          'bits for RS384',
      ],
      keys: [{ ...EC_KEY, index: 0 }],
      findings: [
        {
          code: 'key_set_problem',
          message:
            'The key set has no key that production can use (production advertises only RS384): add an RSA key of ' +
            'at least 2048 bits for RS384.',
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
      findings: [
        {
          code: 'tls_failed',
          message:
            `The key set URL ${URI} could not be fetched securely: its certificate has expired. The server must ` +
            'present a valid certificate for its host name.',
        },
      ],
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
          usableIn: NOWHERE,
          problems: ['contains private key material (d): publish only the public key'],
          notes: [],
        },
      ],
      findings: [
        {
          code: 'private_key_published',
          message:
            'This key set publishes a private key: the key "claims-sync-2026-11" includes its private part (d). ' +
            'Treat it as compromised: make a new key pair, publish only its public key, and stop using the old one.',
        },
      ],
    },
  },
} satisfies Record<string, NamedExample>;
