import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { ServiceEvent } from '@payerbox/api-client';
import { LIFECYCLE_ACTIONS } from '@payerbox/domain';
import {
  describeEventStatus,
  ErrorAlert,
  FullPageLoader,
  formatDateTime,
  ScrollTable,
  useApi,
} from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type AuditAction, type AuditFilter, auditQueries, exportUrl } from '../api/queries.ts';

// Every lifecycle action, and the admin's provisioning retry.
const ACTIONS: readonly AuditAction[] = [...LIFECYCLE_ACTIONS, 'resync'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID filter field: applied when it holds a UUID or nothing, explained otherwise. */
function IdFilter(props: { label: string; value: string; onApply: (value: string) => void }) {
  const [text, setText] = useState(props.value);
  const valid = text.trim() === '' || UUID.test(text.trim());
  return (
    <TextInput
      label={props.label}
      placeholder="UUID"
      value={text}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        if (next.trim() === '' || UUID.test(next.trim())) props.onApply(next.trim());
      }}
      error={valid ? undefined : 'Enter an id (a UUID), or pick one from a row below'}
      w={340}
    />
  );
}

function EventRow(props: { event: ServiceEvent; onFilter: (key: 'serviceId' | 'actorId', value: string) => void }) {
  const { event } = props;
  const detail = Object.keys(event.detail).length ? JSON.stringify(event.detail) : '';
  return (
    <Table.Tr>
      <Table.Td>{formatDateTime(event.createdAt)}</Table.Td>
      <Table.Td>
        <Stack gap={0} align="flex-start">
          <Anchor component={Link} to={`/services/${event.serviceId}`} size="sm">
            {event.serviceName}
          </Anchor>
          <Button variant="subtle" size="compact-xs" onClick={() => props.onFilter('serviceId', event.serviceId)}>
            Only this service
          </Button>
        </Stack>
      </Table.Td>
      <Table.Td>{event.action}</Table.Td>
      <Table.Td>{describeEventStatus(event)}</Table.Td>
      <Table.Td>
        {event.actor ? (
          <Stack gap={0} align="flex-start">
            <Text size="sm">{event.actor.name}</Text>
            <Button variant="subtle" size="compact-xs" onClick={() => props.onFilter('actorId', event.actor?.id ?? '')}>
              Only this actor
            </Button>
          </Stack>
        ) : (
          'system'
        )}
      </Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
          {detail}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every audit event, newest first, filtered by service, actor and action (kept in the address), exported as CSV. */
export function AuditLogPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filter: AuditFilter = {
    ...(params.get('serviceId') && { serviceId: params.get('serviceId') ?? '' }),
    ...(params.get('actorId') && { actorId: params.get('actorId') ?? '' }),
    ...(params.get('action') && { action: params.get('action') as AuditAction }),
  };
  const setFilter = (key: keyof AuditFilter, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  const events = useInfiniteQuery({ ...auditQueries.list(api, filter), placeholderData: keepPreviousData });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Audit log</Title>
        <Button component="a" href={exportUrl(filter)} download variant="default">
          Export CSV
        </Button>
      </Group>
      <Group align="flex-start">
        <IdFilter
          key={`service-${filter.serviceId ?? ''}`}
          label="Service id"
          value={filter.serviceId ?? ''}
          onApply={(value) => setFilter('serviceId', value)}
        />
        <IdFilter
          key={`actor-${filter.actorId ?? ''}`}
          label="Actor id"
          value={filter.actorId ?? ''}
          onApply={(value) => setFilter('actorId', value)}
        />
        <Select
          label="Action"
          placeholder="Any action"
          data={ACTIONS.map((action) => ({ value: action, label: action }))}
          value={filter.action ?? null}
          onChange={(value) => setFilter('action', value)}
          clearable
          w={200}
        />
      </Group>
      {events.isPending ? (
        <FullPageLoader label="Loading the audit log" />
      ) : events.isError && items.length === 0 ? (
        <ErrorAlert error={events.error} onRetry={() => events.refetch()} title="Could not load the audit log" />
      ) : items.length === 0 ? (
        <Text c="dimmed">No event matches this filter.</Text>
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
                <EventRow key={event.id} event={event} onFilter={setFilter} />
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
