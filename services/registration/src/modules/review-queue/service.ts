// The review queue: submissions and change requests in one list, the one waiting longest first. Each kind is read
// through its own keyset index and the two sorted pages are merged, so that one cursor (the last item's time and id)
// continues both.

import type { Static } from 'typebox';
import {
  formatTimestampKey,
  type PageRequest,
  readTimestampPage,
  type TimestampKey,
  toPage,
} from '../../pagination.ts';
import type { ViewContext } from '../backend-services/context.ts';
import { findServices, listReviewQueue } from '../backend-services/repository-reads.ts';
import { toView } from '../backend-services/representation.ts';
import { listPendingRequests } from '../change-requests/repository.ts';
import { toChangeRequestView } from '../change-requests/representation.ts';
import type { ReviewQueueItemSchema } from './schemas.ts';

type ReviewQueueItem = Static<typeof ReviewQueueItemSchema>;

interface Entry {
  readonly key: TimestampKey;
  readonly item: ReviewQueueItem;
}

const byQueueKey = (a: Entry, b: Entry) =>
  a.key.at < b.key.at ? -1 : a.key.at > b.key.at ? 1 : a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0;

export async function reviewQueuePage(
  ctx: ViewContext,
  query: PageRequest,
): Promise<{ items: ReviewQueueItem[]; nextCursor: string | null }> {
  const window = readTimestampPage(query);
  const [submissions, requests] = await Promise.all([
    listReviewQueue(ctx.db, window),
    listPendingRequests(ctx.db, window),
  ]);
  const services = new Map(
    (
      await findServices(
        ctx.db,
        requests.map((request) => request.serviceId),
      )
    ).map((record) => [record.id, record]),
  );
  const entries: Entry[] = submissions.map((record) => ({
    key: record.queueKey,
    item: {
      ...toView(record, 'admin', ctx.environmentSettings),
      kind: 'submission',
      queuedAt: record.submittedAt?.toISOString() ?? record.createdAt.toISOString(),
      changeRequest: null,
    },
  }));
  for (const request of requests) {
    const service = services.get(request.serviceId);
    if (!service) continue;
    entries.push({
      key: request.queueKey,
      item: {
        ...toView(service, 'admin', ctx.environmentSettings),
        kind: 'change_request',
        queuedAt: request.createdAt.toISOString(),
        changeRequest: toChangeRequestView(request),
      },
    });
  }
  const page = toPage(entries.sort(byQueueKey), window.limit, (entry) => formatTimestampKey(entry.key));
  return { items: page.items.map((entry) => entry.item), nextCursor: page.nextCursor };
}
