import { Code, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import { CopyBlock } from '@payerbox/web-kit';
import {
  bulkExportCurlExample,
  bulkExportNodeExample,
  kickoffUrls,
  NO_EXPORT_SENTENCE,
} from '../examples/bulk-export.ts';
import type { EnvironmentName } from '../examples/token-requests.ts';

/**
 * Bulk export with this service's values in one environment: the types it may export, the kick-off URLs, and a curl
 * and a Node script that run as shown; or why its scopes allow none.
 */
export function BulkExportExamples(props: {
  service: BackendService;
  environment: EnvironmentStatus;
  name: EnvironmentName;
  advertised: readonly string[];
}) {
  const { service, environment, name, advertised } = props;
  const { bulkExport } = environment;
  const curl = bulkExportCurlExample(service, environment);
  const node = bulkExportNodeExample(service, environment, name, advertised);
  return (
    <Stack gap="sm" component="section" aria-label="Bulk export examples">
      <Title order={3} size="h4">
        Bulk export
      </Title>
      {!bulkExport || !curl || !node ? (
        <Text size="sm">{NO_EXPORT_SENTENCE}</Text>
      ) : (
        <>
          <Text size="sm" component="div" data-testid="exportable-types">
            {bulkExport.allTypes ? (
              'Your scopes let this client export every resource type.'
            ) : (
              <Group gap={4}>
                Exportable types (send them as <Code>_type</Code>):
                {bulkExport.types.map((type) => (
                  <Code key={type}>{type}</Code>
                ))}
              </Group>
            )}
          </Text>
          {bulkExport.sampleGroupIds.length > 0 && (
            <Text size="sm" component="div" data-testid="sample-groups">
              <Group gap={4}>
                Sample Groups in the sandbox:
                {bulkExport.sampleGroupIds.map((id) => (
                  <Code key={id}>{id}</Code>
                ))}
              </Group>
            </Text>
          )}
          <CopyBlock label="Bulk export kick-off URL" code={kickoffUrls(bulkExport).system} />
          <CopyBlock label="Bulk export with curl" code={curl} />
          <CopyBlock label="Bulk export with Node" code={node} />
        </>
      )}
    </Stack>
  );
}
