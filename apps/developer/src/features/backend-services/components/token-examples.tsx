import { SegmentedControl, Stack, Text } from '@mantine/core';
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import { CopyBlock } from '@payerbox/web-kit';
import { useState } from 'react';

type EnvironmentName = 'sandbox' | 'production';

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

/** A Node script signing the private_key_jwt assertion with jose (SMART Backend Services, RS384 or ES384). */
export function privateKeyJwtExample(service: BackendService, environment: EnvironmentStatus): string {
  return [
    '// npm install jose   ·   node token.mjs   (Node 20+)',
    "import { importJWK, SignJWT } from 'jose';",
    '',
    `const clientId = '${service.clientId}';`,
    `const tokenUrl = '${environment.tokenUrl}';`,
    '// The private half of a key published at your JWKS URI, as a JWK with its kid.',
    'const privateJwk = JSON.parse(process.env.PRIVATE_JWK);',
    "const alg = privateJwk.kty === 'EC' ? 'ES384' : 'RS384';",
    '',
    'const assertion = await new SignJWT({})',
    "  .setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' })",
    '  .setIssuer(clientId)',
    '  .setSubject(clientId)',
    '  .setAudience(tokenUrl)',
    '  .setJti(crypto.randomUUID())',
    '  .setIssuedAt()',
    "  .setExpirationTime('5m')",
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
  const available = (['sandbox', 'production'] as const).filter((name) => service.environments[name] !== null);
  const [chosen, setChosen] = useState<EnvironmentName>(available.includes('production') ? 'production' : 'sandbox');
  const environment = service.environments[chosen] ?? service.environments[available[0] ?? 'sandbox'];
  if (!environment) return <Text c="dimmed">Examples appear once the sandbox client exists.</Text>;
  const isSecret = service.authMethod === 'client_secret';
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
        <CopyBlock label="Token request with Node and jose" code={privateKeyJwtExample(service, environment)} />
      )}
    </Stack>
  );
}
