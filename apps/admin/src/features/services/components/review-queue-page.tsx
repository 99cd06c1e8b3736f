import { Anchor, Stack, Text, Title } from '@mantine/core';
import type { ReviewQueueItem } from '@payerbox/api-client';
import {
  authMethodColumn,
  type Column,
  formatAge,
  formatDateTime,
  navItemState,
  ownerColumn,
  ServiceTable,
  ToneBadge,
  useApi,
} from '@payerbox/web-kit';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { adminListQueries } from '../api/queries.ts';

/** Where an item is reviewed: the service itself for a submission, the diff page for a change request. */
function reviewPath(item: ReviewQueueItem): string {
  return item.changeRequest ? `/services/${item.id}/change-requests/${item.changeRequest.id}` : `/services/${item.id}`;
}

const COLUMNS: readonly Column<ReviewQueueItem>[] = [
  {
    header: 'Name',
    // Opened from here, the page is reviewed on behalf of the queue: "Review queue" stays the current navigation item.
    cell: (item) => (
      <Anchor component={Link} to={reviewPath(item)} state={navItemState('/')}>
        {item.name}
      </Anchor>
    ),
  },
  {
    header: 'Waiting for',
    cell: (item) =>
      item.kind === 'change_request' ? (
        <ToneBadge tone="blue">Change request</ToneBadge>
      ) : (
        <ToneBadge tone="yellow">New submission</ToneBadge>
      ),
  },
  ownerColumn,
  authMethodColumn,
  { header: 'Queued', cell: (item) => formatDateTime(item.queuedAt) },
  { header: 'Waiting', cell: (item) => formatAge(item.queuedAt) },
];

/** New submissions and change requests of active services, the one waiting longest first. */
export function ReviewQueuePage() {
  const api = useApi();
  const queue = useInfiniteQuery({ ...adminListQueries.reviewQueue(api), refetchInterval: 30_000 });
  return (
    <Stack>
      <Title order={1}>Review queue</Title>
      <Text c="dimmed">
        New Backend Services submitted for review, and changes proposed to active ones, the one waiting longest first.
      </Text>
      <ServiceTable label="Waiting for review" query={queue} columns={COLUMNS} empty="Nothing is waiting for review." />
    </Stack>
  );
}
