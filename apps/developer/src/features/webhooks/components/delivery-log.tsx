import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { components } from '@payerbox/api-client';
import {
  ErrorAlert,
  formatDateTime,
  QueryView,
  ScrollTable,
  type Tone,
  ToneBadge,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { webhookQueries } from '../api/queries.ts';

type Delivery = components['schemas']['WebhookDelivery'];

const STATUS: Record<Delivery['status'], { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'yellow' },
  delivered: { label: 'Delivered', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

/** The last attempt as one cell: its HTTP status, or why there was none. */
function lastAnswer(delivery: Delivery): string {
  const last = delivery.attempts.at(-1);
  if (!last) return 'Not yet tried';
  return last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.error ?? 'No answer');
}

/** An endpoint's delivery log: each delivery's status, attempts and latency, with Redeliver. */
export function DeliveryLog(props: { endpointId: string; url: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const deliveries = useQuery(webhookQueries.deliveries(api, props.endpointId));
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { id: props.endpointId, deliveryId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookQueries.all }),
  });
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">
        Deliveries to {props.url}
      </Title>
      {redeliver.isError && <ErrorAlert error={redeliver.error} title="The redelivery was not queued" />}
      <QueryView query={deliveries} label="the delivery log">
        {(page) =>
          page.items.length === 0 ? (
            <Text c="dimmed">Nothing was sent to this endpoint yet.</Text>
          ) : (
            <ScrollTable withTableBorder striped aria-label="Delivery log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last answer</Table.Th>
                  <Table.Th>Latency</Table.Th>
                  <Table.Th>Queued</Table.Th>
                  <Table.Th>
                    <span className="mantine-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((delivery) => {
                  const last = delivery.attempts.at(-1);
                  return (
                    <Table.Tr key={delivery.id}>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {delivery.type}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {delivery.webhookId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <ToneBadge tone={STATUS[delivery.status].tone}>{STATUS[delivery.status].label}</ToneBadge>
                      </Table.Td>
                      <Table.Td>{delivery.attempts.length}</Table.Td>
                      <Table.Td>{lastAnswer(delivery)}</Table.Td>
                      <Table.Td>{last ? `${last.latencyMs} ms` : '—'}</Table.Td>
                      <Table.Td>{formatDateTime(delivery.createdAt)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            loading={redeliver.isPending && redeliver.variables === delivery.id}
                            onClick={() => redeliver.mutate(delivery.id)}
                            aria-label={`Redeliver ${delivery.type} ${delivery.webhookId}`}
                          >
                            Redeliver
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </ScrollTable>
          )
        }
      </QueryView>
    </Stack>
  );
}
