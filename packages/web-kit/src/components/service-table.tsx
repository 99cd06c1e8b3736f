import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { AUTH_METHOD_LABELS } from '../auth-methods.ts';
import { navItemState } from '../nav-items.ts';
import { ErrorAlert, FullPageLoader } from './page-states.tsx';
import { ScrollTable } from './scroll-table.tsx';
import { StatusBadge } from './status-badge.tsx';

/**
 * A column of a service table: its header and how a service fills its cell. `S` is the list's item, a service or
 * something that carries one (the review queue's items).
 */
export interface Column<S extends BackendService = BackendService> {
  readonly header: string;
  readonly cell: (service: S) => ReactNode;
}

/**
 * The service's name, linking to its page (`/services/<id>` within the SPA); with `navItem`, the page opened this way
 * belongs to that navigation item (see {@link navItemState}).
 */
export function serviceNameColumn(navItem?: string): Column {
  return {
    header: 'Name',
    cell: (service) => (
      <Anchor
        component={Link}
        to={`/services/${service.id}`}
        {...(navItem !== undefined && { state: navItemState(navItem) })}
      >
        {service.name}
      </Anchor>
    ),
  };
}

/** The service's name, linking to its page; the page belongs to the navigation item its address is under. */
export const nameColumn: Column = serviceNameColumn();

/** The owner's name and e-mail. */
export const ownerColumn: Column = {
  header: 'Owner',
  cell: (service) => (
    <Stack gap={0}>
      <Text size="sm">{service.owner.name}</Text>
      <Text size="xs" c="dimmed">
        {service.owner.email}
      </Text>
    </Stack>
  ),
};

interface Page<S> {
  readonly items: S[];
}

/** A keyset-paged table of services: loading, error with Try again, empty text, rows, and Load more. */
export function ServiceTable<S extends BackendService = BackendService>(props: {
  label: string;
  query: UseInfiniteQueryResult<{ pages: Page<S>[] }>;
  columns: readonly Column<S>[];
  /** What an empty list shows (a sentence, or an empty state with a call to action). */
  empty: ReactNode;
}) {
  const { query } = props;
  const services = query.data?.pages.flatMap((page) => page.items) ?? [];
  if (query.isPending) return <FullPageLoader label={`Loading ${props.label}`} />;
  if (query.isError && services.length === 0) {
    return <ErrorAlert error={query.error} onRetry={() => query.refetch()} title={`Could not load ${props.label}`} />;
  }
  if (services.length === 0) {
    return typeof props.empty === 'string' ? <Text c="dimmed">{props.empty}</Text> : props.empty;
  }
  return (
    <Stack>
      <ScrollTable striped highlightOnHover withTableBorder aria-label={props.label}>
        <Table.Thead>
          <Table.Tr>
            {props.columns.map((column) => (
              <Table.Th key={column.header}>{column.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {services.map((service) => (
            <Table.Tr key={service.id}>
              {props.columns.map((column) => (
                <Table.Td key={column.header}>{column.cell(service)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </ScrollTable>
      {query.isFetchNextPageError && <ErrorAlert error={query.error} onRetry={() => query.fetchNextPage()} />}
      {query.hasNextPage && (
        <Group>
          <Button variant="default" loading={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The service's status badge. */
export const statusColumn: Column = { header: 'Status', cell: (service) => <StatusBadge status={service.status} /> };

/** The OAuth client id, in monospace. */
export const clientIdColumn: Column = {
  header: 'Client ID',
  cell: (service) => (
    <Text size="sm" ff="monospace">
      {service.clientId}
    </Text>
  ),
};

/** The authentication method in the product's words. */
export const authMethodColumn: Column = {
  header: 'Authentication',
  cell: (service) => AUTH_METHOD_LABELS[service.authMethod],
};
