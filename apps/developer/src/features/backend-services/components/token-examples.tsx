import { Alert, SegmentedControl, Stack, Text } from '@mantine/core';
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import { CopyBlock, useApi } from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { environmentQueries } from '../api/queries.ts';

type EnvironmentName = 'sandbox' | 'production';

/**
 * Until the environments are known the examples sign with RS384 only: documented Aidbox accepts nothing else
 * (aidbox-docs, smart-asymmetric-docs-private-key-jwt-authentication.md: `alg` "Fixed value - `RS384`").
 */
const ASSUMED_ALGORITHMS: readonly string[] = ['RS384'];

function firstResource(service: BackendService): string {
  const resource = service.scopes[0]?.match(/^system\/([A-Za-z]+)\./)?.[1];
  return resource ?? 'Patient';
}

/** curl with HTTP Basic client authentication, then a FHIR read with the token. */
export function clientSecretExample(service: BackendService, environment: EnvironmentStatus): string {
  return [
    `export CLIENT_ID='${service.clientId}'`,
    `export CLIENT_SECRET='<the secret shown when it was issued>'`,
    '',
    `ACCESS_TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" \\`,
    `  -d grant_type=client_credentials \\`,
    `  --data-urlencode 'scope=${service.scopes.join(' ')}' \\`,
    `  '${environment.tokenUrl}' | node -p 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    '',
    `curl -s -H "Authorization: Bearer $ACCESS_TOKEN" '${environment.fhirBaseUrl}/${firstResource(service)}?_count=1'`,
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

/** A Node script signing the private_key_jwt assertion with jose, with an algorithm the environment advertises. */
export function privateKeyJwtExample(
  service: BackendService,
  environment: EnvironmentStatus,
  name: EnvironmentName,
  advertised: readonly string[],
): string {
  return [
    '// npm install jose   ·   node token.mjs   (Node 20+)',
    "import { importJWK, SignJWT } from 'jose';",
    '',
    `const clientId = '${service.clientId}';`,
    `const tokenUrl = '${environment.tokenUrl}';`,
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
    'const response = await fetch(tokenUrl, {',
    "  method: 'POST',",
    '  body: new URLSearchParams({',
    "    grant_type: 'client_credentials',",
    `    scope: '${service.scopes.join(' ')}',`,
    "    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',",
    '    client_assertion: assertion,',
    '  }),',
    '});',
    'const { access_token } = await response.json();',
    '',
    `const bundle = await fetch('${environment.fhirBaseUrl}/${firstResource(service)}?_count=1', {`,
    // The script's own template literal, not one of this file.
    "  headers: { authorization: 'Bearer ' + access_token },",
    '});',
    'console.log(await bundle.json());',
  ].join('\n');
}

/** Ready-to-run token requests filled in with this service's values, for each environment it has. */
export function TokenExamples(props: { service: BackendService }) {
  const { service } = props;
  const api = useApi();
  const environments = useQuery(environmentQueries.all(api)).data;
  const available = (['sandbox', 'production'] as const).filter((name) => service.environments[name] !== null);
  const [chosen, setChosen] = useState<EnvironmentName>(available.includes('production') ? 'production' : 'sandbox');
  const environment = service.environments[chosen] ?? service.environments[available[0] ?? 'sandbox'];
  if (!environment) return <Text c="dimmed">Examples appear once the sandbox client exists.</Text>;
  const isSecret = service.authMethod === 'client_secret';
  const shown: EnvironmentName = service.environments[chosen] ? chosen : (available[0] ?? 'sandbox');
  const advertised = environments?.[shown].tokenEndpointAuthSigningAlgs ?? ASSUMED_ALGORITHMS;
  return (
    <Stack gap="sm">
      {available.length > 1 && (
        <SegmentedControl
          aria-label="Environment of the examples"
          value={chosen}
          onChange={(value) => setChosen(value as EnvironmentName)}
          data={[
            { value: 'sandbox', label: 'Sandbox' },
            { value: 'production', label: 'Production' },
          ]}
        />
      )}
      {isSecret ? (
        <CopyBlock label="Token request with curl" code={clientSecretExample(service, environment)} />
      ) : (
        <>
          <Text size="sm" data-testid="advertised-algorithms">
            The {shown} token endpoint accepts client assertions signed with {advertised.join(' or ')}.
          </Text>
          <CopyBlock
            label="Token request with Node and jose"
            code={privateKeyJwtExample(service, environment, shown, advertised)}
          />
          <Alert color="yellow" title="Publish new keys 5 minutes ahead">
            Publish a new key at your JWKS URI at least 5 minutes before you first sign with it: Aidbox caches key sets
            for 5 minutes and does not fetch them again for an unknown kid.
          </Alert>
        </>
      )}
    </Stack>
  );
}
