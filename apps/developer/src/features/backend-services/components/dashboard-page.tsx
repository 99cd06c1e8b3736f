import { Button, Group, Stack, Text, Title } from '@mantine/core';
import {
  authMethodColumn,
  type Column,
  clientIdColumn,
  formatDateTime,
  nameColumn,
  ServiceFilterBar,
  ServiceTable,
  statusColumn,
  useApi,
  useServiceListFilter,
} from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { serviceQueries } from '../api/queries.ts';

const COLUMNS: readonly Column[] = [
  nameColumn,
  statusColumn,
  authMethodColumn,
  clientIdColumn,
  { header: 'Updated', cell: (service) => formatDateTime(service.updatedAt) },
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
  const filterState = useServiceListFilter();
  const list = useInfiniteQuery({
    ...serviceQueries.list(api, filterState.filter),
    placeholderData: keepPreviousData,
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Backend Services</Title>
        <Button component={Link} to="/services/new">
          Register New
        </Button>
      </Group>
      <ServiceFilterBar state={filterState} searchLabel="Search by name" placeholder="Name or client id" />
      <ServiceTable
        label="Your Backend Services"
        query={list}
        columns={COLUMNS}
        empty={<EmptyState filtered={Object.keys(filterState.filter).length > 0} />}
      />
    </Stack>
  );
}
