import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ServiceEvent } from '@payerbox/api-client';
import {
  actionLabel,
  describeDetail,
  describeEventStatus,
  ErrorAlert,
  FullPageLoader,
  formatDateTime,
  ScrollTable,
  useApi,
} from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import {
  type AuditView,
  apiFilter,
  auditQueries,
  exportUrl,
  hasFilters,
  NO_FILTERS,
  paramsFromView,
  viewFromParams,
} from '../api/queries.ts';
import { AuditFilterForm } from './audit-filter-form.tsx';

function EventRow(props: { event: ServiceEvent; onFilter: (filter: Partial<AuditView>) => void }) {
  const { event } = props;
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.createdAt)}</Table.Td>
      <Table.Td>
        <Stack gap={0} align="flex-start">
          <Anchor component={Link} to={`/services/${event.serviceId}`} size="sm">
            {event.serviceName}
          </Anchor>
          <Button variant="subtle" size="compact-xs" onClick={() => props.onFilter({ service: event.serviceName })}>
            Only this service
          </Button>
        </Stack>
      </Table.Td>
      <Table.Td>{actionLabel(event.action)}</Table.Td>
      <Table.Td>{describeEventStatus(event)}</Table.Td>
      <Table.Td>
        {event.actor ? (
          <Stack gap={0} align="flex-start">
            <Text size="sm">{event.actor.name}</Text>
            <Text size="xs" c="dimmed">
              {event.actor.email}
            </Text>
            <Button
              variant="subtle"
              size="compact-xs"
              onClick={() => props.onFilter({ actorEmail: event.actor?.email ?? '' })}
            >
              Only this actor
            </Button>
          </Stack>
        ) : (
          'System'
        )}
      </Table.Td>
      <Table.Td style={{ minWidth: 220 }}>
        {describeDetail(event.detail).map((line) => (
          <Text key={line} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {line}
          </Text>
        ))}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * Every audit event, newest first, filtered by part of the service name, the client id, part of the actor's e-mail,
 * the action and a range of days. The filters live in the address (a link reproduces the view, Back undoes a
 * filter), and the CSV export asks for the same events.
 */
export function AuditLogPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const view = viewFromParams(params);
  const filter = apiFilter(view);
  const apply = (next: AuditView) => setParams(paramsFromView(next));
  const events = useInfiniteQuery({ ...auditQueries.list(api, filter), placeholderData: keepPreviousData });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = hasFilters(view);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Audit log</Title>
        <Button component="a" href={exportUrl(filter)} download variant="default">
          Export CSV
        </Button>
      </Group>
      <AuditFilterForm view={view} onApply={apply} />
      {events.isPending ? (
        <FullPageLoader label="Loading the audit log" />
      ) : events.isError && items.length === 0 ? (
        <ErrorAlert error={events.error} onRetry={() => events.refetch()} title="Could not load the audit log" />
      ) : items.length === 0 ? (
        filtered ? (
          <Group gap="sm">
            <Text>No event matches these filters.</Text>
            <Button variant="default" size="xs" onClick={() => apply(NO_FILTERS)}>
              Clear the filters
            </Button>
          </Group>
        ) : (
          <Text c="dimmed">No events yet.</Text>
        )
      ) : (
        <>
          <ScrollTable striped withTableBorder aria-label="Audit events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((event) => (
                <EventRow key={event.id} event={event} onFilter={(change) => apply({ ...view, ...change })} />
              ))}
            </Table.Tbody>
          </ScrollTable>
          {events.isFetchNextPageError && <ErrorAlert error={events.error} onRetry={() => events.fetchNextPage()} />}
          {events.hasNextPage && (
            <Group>
              <Button variant="default" loading={events.isFetchingNextPage} onClick={() => events.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
