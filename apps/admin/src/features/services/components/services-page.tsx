import { Stack, Title } from '@mantine/core';
import {
  type Column,
  clientIdColumn,
  formatDateTime,
  nameColumn,
  ownerColumn,
  ServiceFilterBar,
  ServiceTable,
  statusColumn,
  useApi,
  useServiceListFilter,
} from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { adminListQueries } from '../api/queries.ts';

const COLUMNS: readonly Column[] = [
  nameColumn,
  statusColumn,
  ownerColumn,
  clientIdColumn,
  { header: 'Updated', cell: (s) => formatDateTime(s.updatedAt) },
];

/** Every service, newest first, filtered by status and searched by name, client id or owner. */
export function ServicesPage() {
  const api = useApi();
  const filterState = useServiceListFilter();
  const list = useInfiniteQuery({
    ...adminListQueries.list(api, filterState.filter),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Title order={1}>All services</Title>
      <ServiceFilterBar state={filterState} searchLabel="Search" placeholder="Name, client id or owner e-mail" />
      <ServiceTable label="All services" query={list} columns={COLUMNS} empty="No service matches this filter." />
    </Stack>
  );
}
