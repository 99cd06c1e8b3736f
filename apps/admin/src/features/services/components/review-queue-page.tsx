import { Stack, Text, Title } from '@mantine/core';
import {
  authMethodColumn,
  type Column,
  formatAge,
  formatDateTime,
  ownerColumn,
  ServiceTable,
  serviceNameColumn,
  useApi,
} from '@payerbox/web-kit';
import { useInfiniteQuery } from '@tanstack/react-query';
import { adminListQueries } from '../api/queries.ts';

const COLUMNS: readonly Column[] = [
  // A service opened from here is reviewed on behalf of the queue: "Review queue" stays the current navigation item.
  serviceNameColumn('/'),
  ownerColumn,
  authMethodColumn,
  { header: 'Submitted', cell: (s) => formatDateTime(s.submittedAt) },
  { header: 'Waiting', cell: (s) => (s.submittedAt ? formatAge(s.submittedAt) : '—') },
];

/** Services under review, the one waiting longest first. */
export function ReviewQueuePage() {
  const api = useApi();
  const queue = useInfiniteQuery({ ...adminListQueries.reviewQueue(api), refetchInterval: 30_000 });
  return (
    <Stack>
      <Title order={1}>Review queue</Title>
      <Text c="dimmed">Backend Services submitted for review, the one waiting longest first.</Text>
      <ServiceTable
        label="Services under review"
        query={queue}
        columns={COLUMNS}
        empty="Nothing is waiting for review."
      />
    </Stack>
  );
}
