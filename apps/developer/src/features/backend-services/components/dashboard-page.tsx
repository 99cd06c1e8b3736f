import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
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
} from '@payerbox/web-kit';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import { useDashboardFilter } from './dashboard-filter.ts';

/** What a page that sends the developer to the dashboard may tell them there (the history entry's state). */
export interface DashboardNotice {
  /** The name of the service just deleted. */
  readonly deleted: string;
  /** A rejected service taken off the dashboard (kept for admins and the audit trail), rather than a deleted draft. */
  readonly removedRejected?: boolean;
}

function isDashboardNotice(state: unknown): state is DashboardNotice {
  return typeof (state as Partial<DashboardNotice> | null)?.deleted === 'string';
}

/** Says that what the developer asked for happened, until they dismiss it. */
function DeletedNotice(props: { notice: DashboardNotice }) {
  const location = useLocation();
  const navigate = useNavigate();
  // Dismissing forgets the notice in this history entry too, so a reload or Back does not bring it back.
  const dismiss = () =>
    void navigate({ search: location.search }, { replace: true, state: null, preventScrollReset: true });
  return (
    <Alert
      role="status"
      color="green"
      title={props.notice.removedRejected ? 'Service removed' : 'Draft deleted'}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={dismiss}
    >
      {props.notice.removedRejected
        ? `"${props.notice.deleted}" is off your dashboard; its clients stay switched off.`
        : `"${props.notice.deleted}" and its sandbox client were deleted.`}
    </Alert>
  );
}

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
  const filterState = useDashboardFilter();
  const { state } = useLocation();
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
      {isDashboardNotice(state) && <DeletedNotice notice={state} />}
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
