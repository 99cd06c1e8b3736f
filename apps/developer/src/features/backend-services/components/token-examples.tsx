import { Alert, SegmentedControl, Stack, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { CopyBlock, useApi } from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { environmentQueries } from '../api/queries.ts';
import {
  ASSUMED_ALGORITHMS,
  clientSecretExample,
  type EnvironmentName,
  privateKeyJwtExample,
} from '../examples/token-requests.ts';
import { BulkExportExamples } from './bulk-export-examples.tsx';

/** Ready-to-run token requests and bulk exports filled in with this service's values, for each environment it has. */
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
        <CopyBlock label="Token request with curl" code={clientSecretExample(service, environment, shown)} />
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
      <BulkExportExamples service={service} environment={environment} name={shown} advertised={advertised} />
    </Stack>
  );
}
