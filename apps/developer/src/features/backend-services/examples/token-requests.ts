// Token request examples, filled in with a service's own values. Pure functions returning the text a developer copies:
// no React here, so that a Node test can write the generated scripts to disk and run them as shown.
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import { describeFhirRequest, fhirExampleRequest } from './fhir-request.ts';

export type EnvironmentName = 'sandbox' | 'production';

/**
 * Until the environments are known the examples sign with RS384 only: documented Aidbox accepts nothing else
 * (aidbox-docs, smart-asymmetric-docs-private-key-jwt-authentication.md: `alg` "Fixed value - `RS384`").
 */
export const ASSUMED_ALGORITHMS: readonly string[] = ['RS384'];

/**
 * The bash lines of a client-secret token request (HTTP Basic, RFC 6749 §2.3.1) that leave the token in
 * `ACCESS_TOKEN`, with the secret from `CLIENT_SECRET`. A refused request stops the script (exit 1) and prints the
 * token endpoint's answer as it came, so nothing goes on to call the FHIR API without a token. Shared by the token
 * and bulk export examples.
 */
export function curlClientSecretToken(service: BackendService, environment: EnvironmentStatus): string[] {
  return [
    `CLIENT_ID='${service.clientId}'`,
    `TOKEN_URL='${environment.tokenUrl}'`,
    `SCOPE='${service.scopes.join(' ')}'`,
    'if [ -z "$CLIENT_SECRET" ]; then echo "Set CLIENT_SECRET to the secret shown when it was issued" >&2; exit 1; fi',
    '',
    'TOKEN_RESPONSE=$(curl -sS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \\',
    '  --data-urlencode "scope=$SCOPE" "$TOKEN_URL") || exit 1',
    // Inside bash single quotes: the script uses double quotes only.
    'ACCESS_TOKEN=$(printf \'%s\' "$TOKEN_RESPONSE" | node -e \'const body = require("fs").readFileSync(0, "utf8"); let token; try { token = JSON.parse(body).access_token; } catch {} if (!token) { console.error("The token request failed:", body); process.exit(1); } console.log(token)\') || exit 1',
  ];
}

function fhirRequestOf(service: BackendService, environment: EnvironmentStatus, name: EnvironmentName) {
  const request = fhirExampleRequest(service.scopes, service.scopeVersion, name);
  const url = request.kind === 'none' ? null : `${environment.fhirBaseUrl}/${request.path}`;
  return { request, url, comment: describeFhirRequest(request) };
}

/**
 * A bash script: the token with curl (HTTP Basic), then a FHIR request the scopes allow (`fhirExampleRequest`).
 * `--fail-with-body` makes a refused request exit non-zero while still printing the server's OperationOutcome.
 */
export function clientSecretExample(
  service: BackendService,
  environment: EnvironmentStatus,
  name: EnvironmentName,
): string {
  const { url, comment } = fhirRequestOf(service, environment, name);
  // Each environment has its own secret: the sandbox secret is refused in production.
  const secret = name === 'production' ? 'your production secret' : 'the secret shown when it was issued';
  return [
    `# Save as token.sh, then: CLIENT_SECRET='<${secret}>' bash token.sh`,
    ...curlClientSecretToken(service, environment),
    '',
    `# ${comment}`,
    url === null
      ? 'echo "$ACCESS_TOKEN"'
      : `curl -sS --fail-with-body -H "Authorization: Bearer $ACCESS_TOKEN" -H 'Accept: application/fhir+json' '${url}'`,
  ].join('\n');
}

/**
 * How the example picks `alg`: by the key's type when the environment takes both RS384 and ES384, else the one
 * algorithm it advertises, with a check that the key fits it.
 */
function algorithmLines(name: EnvironmentName, advertised: readonly string[]): string[] {
  const takesRs384 = advertised.includes('RS384');
  const takesEs384 = advertised.includes('ES384');
  if (takesRs384 && takesEs384) return ["const alg = privateJwk.kty === 'EC' ? 'ES384' : 'RS384';"];
  const [alg, kty] = takesEs384 ? ['ES384', 'EC'] : ['RS384', 'RSA'];
  return [
    `// The ${name} token endpoint accepts ${alg} only (token_endpoint_auth_signing_alg_values_supported).`,
    `const alg = '${alg}';`,
    `if (privateJwk.kty !== '${kty}') throw new Error('${name} accepts ${alg} only: sign with an ${kty} key');`,
  ];
}

/** A Node script's token request: its imports, and the statements that leave the token in `accessToken`. */
export interface NodeTokenRequest {
  /** What to install and how to run the script (its first comment line). */
  readonly usage: (script: string) => string;
  readonly imports: readonly string[];
  readonly statements: readonly string[];
}

/**
 * The token request of a Node script, for either authentication method: HTTP Basic with the client secret from
 * `CLIENT_SECRET`, or a private_key_jwt assertion signed with jose by the key in `PRIVATE_JWK`, with an algorithm the
 * environment advertises. A refused request stops the script with the token endpoint's error.
 */
export function nodeTokenRequest(
  service: BackendService,
  environment: EnvironmentStatus,
  name: EnvironmentName,
  advertised: readonly string[],
): NodeTokenRequest {
  const request = [
    'const response = await fetch(tokenUrl, {',
    "  method: 'POST',",
    ...(service.authMethod === 'client_secret'
      ? ["  headers: { authorization: 'Basic ' + Buffer.from(clientId + ':' + clientSecret).toString('base64') },"]
      : []),
    '  body: new URLSearchParams({',
    "    grant_type: 'client_credentials',",
    `    scope: '${service.scopes.join(' ')}',`,
    ...(service.authMethod === 'client_secret'
      ? []
      : [
          "    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',",
          '    client_assertion: assertion,',
        ]),
    '  }),',
    '});',
    'const token = await response.json();',
    'if (!response.ok) {',
    "  console.error('The token request failed:', response.status, token);",
    '  process.exit(1);',
    '}',
    'const accessToken = token.access_token;',
  ];
  const values = [`const clientId = '${service.clientId}';`, `const tokenUrl = '${environment.tokenUrl}';`];
  if (service.authMethod === 'client_secret') {
    return {
      usage: (script) => `// CLIENT_SECRET='<the secret shown when it was issued>' node ${script}   (Node 20+)`,
      imports: [],
      statements: [
        ...values,
        'const clientSecret = process.env.CLIENT_SECRET;',
        "if (!clientSecret) throw new Error('Set CLIENT_SECRET to the secret shown when it was issued');",
        '',
        ...request,
      ],
    };
  }
  return {
    usage: (script) => `// npm install jose   ·   PRIVATE_JWK='<your private JWK>' node ${script}   (Node 20+)`,
    imports: ["import { importJWK, SignJWT } from 'jose';"],
    statements: [
      ...values,
      '// The private half of a key published at your JWKS URI, as a JWK with its kid.',
      'const privateJwk = JSON.parse(process.env.PRIVATE_JWK);',
      ...algorithmLines(name, advertised),
      '',
      'const assertion = await new SignJWT({})',
      "  .setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' })",
      '  .setIssuer(clientId)',
      '  .setSubject(clientId)',
      '  .setAudience(tokenUrl)',
      '  .setJti(crypto.randomUUID())',
      '  .setIssuedAt()',
      '  // Aidbox refuses an exp more than 5 minutes ahead; 4 leave room for clock skew.',
      "  .setExpirationTime('4m')",
      '  .sign(await importJWK(privateJwk, alg));',
      '',
      ...request,
    ],
  };
}

/**
 * A Node script signing the private_key_jwt assertion with jose, with an algorithm the environment advertises, then
 * making a FHIR request the scopes allow (`fhirExampleRequest`); a refused request sets a non-zero exit code.
 */
export function privateKeyJwtExample(
  service: BackendService,
  environment: EnvironmentStatus,
  name: EnvironmentName,
  advertised: readonly string[],
): string {
  const token = nodeTokenRequest(service, environment, name, advertised);
  const { url, comment } = fhirRequestOf(service, environment, name);
  return [
    token.usage('token.mjs'),
    ...token.imports,
    '',
    ...token.statements,
    '',
    `// ${comment}`,
    ...(url === null
      ? ['console.log(accessToken);']
      : [
          `const answer = await fetch('${url}', {`,
          // The script's own string concatenation: no template literal that would look like one of this file.
          "  headers: { accept: 'application/fhir+json', authorization: 'Bearer ' + accessToken },",
          '});',
          'console.log(answer.status, await answer.text());',
          'if (!answer.ok) process.exitCode = 1;',
        ]),
  ].join('\n');
}
