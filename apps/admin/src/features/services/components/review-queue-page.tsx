import { Stack, Text, Title } from '@mantine/core';
import {
  authMethodColumn,
  type Column,
  formatAge,
  formatDateTime,
  nameColumn,
  ownerColumn,
  ServiceTable,
  useApi,
} from '@payerbox/web-kit';
import { useInfiniteQuery } from '@tanstack/react-query';
import { adminListQueries } from '../api/queries.ts';

const COLUMNS: readonly Column[] = [
  nameColumn,
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
