import { Card, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { CutoverProgress, formatDateTime } from '@payerbox/web-kit';

/**
 * The production client secret's state as an administrator needs it when a partner calls about failing tokens: when
 * it was issued, whether the owner has retrieved it yet, and where a rotation stands. Never the secret itself.
 */
export function ProductionSecretStatus(props: { service: BackendService }) {
  const production = props.service.productionSecret;
  if (!production) return null;
  return (
    <Card withBorder component="section" aria-label="Production client secret">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Production client secret
        </Title>
        <Text size="sm">
          Issued {formatDateTime(production.issuedAt)}.{' '}
          {production.retrievable
            ? 'The owner has not retrieved it yet, so their client cannot take production tokens yet.'
            : 'The owner has retrieved it.'}
        </Text>
        {production.cutover ? (
          <CutoverProgress cutover={production.cutover} reader="admin" />
        ) : (
          <Text size="sm">It has not been rotated.</Text>
        )}
      </Stack>
    </Card>
  );
}
