import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ErrorAlert, FullPageLoader, formatDateTime, STATUS_LABELS, StatusBadge, useApi } from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { type ServiceListFilter, type ServiceStatus, serviceQueries } from '../api/queries.ts';

const STATUS_OPTIONS = [
  { value: 'all', label: 'All statuses' },
  ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
];

function EmptyState(props: { filtered: boolean }) {
  if (props.filtered) return <Text c="dimmed">No service matches this filter.</Text>;
  return (
    <Stack align="flex-start" gap="xs" py="lg">
      <Title order={2} size="h3">
        No Backend Services yet
      </Title>
      <Text>Register a server-to-server client, try it in the sandbox, then submit it for review.</Text>
      <Button component={Link} to="/services/new">
        Register New
      </Button>
    </Stack>
  );
}

/** The dashboard: the developer's Backend Services, filtered by status and searched by name. */
export function DashboardPage() {
  const api = useApi();
  const [status, setStatus] = useState('all');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const filter: ServiceListFilter = {
    ...(status !== 'all' && { status: status as ServiceStatus }),
    ...(q && { q }),
  };
  const list = useInfiniteQuery({ ...serviceQueries.list(api, filter), placeholderData: keepPreviousData });
  const services = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Backend Services</Title>
        <Button component={Link} to="/services/new">
          Register New
        </Button>
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search by name"
          placeholder="Name or client id"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
        <Select
          label="Status"
          data={STATUS_OPTIONS}
          value={status}
          onChange={(value) => setStatus(value ?? 'all')}
          allowDeselect={false}
          w={200}
        />
      </Group>
      {list.isPending ? (
        <FullPageLoader label="Loading services" />
      ) : list.isError && services.length === 0 ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load your services" />
      ) : services.length === 0 ? (
        <EmptyState filtered={Object.keys(filter).length > 0} />
      ) : (
        <>
          <Table striped highlightOnHover withTableBorder aria-label="Your Backend Services">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Authentication</Table.Th>
                <Table.Th>Client ID</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {services.map((service) => (
                <Table.Tr key={service.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/services/${service.id}`}>
                      {service.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={service.status} />
                  </Table.Td>
                  <Table.Td>{service.authMethod === 'jwks_uri' ? 'JWKS URI' : 'Client secret'}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {service.clientId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(service.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.isFetchNextPageError && <ErrorAlert error={list.error} onRetry={() => list.fetchNextPage()} />}
          {list.hasNextPage && (
            <Group>
              <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
