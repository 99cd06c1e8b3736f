import { Type } from 'typebox';
import { NextCursor } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum } from '../../schemas/primitives.ts';
import { BackendServiceSchema } from '../backend-services/schemas.ts';
import { ChangeRequestSchema } from '../change-requests/schemas.ts';

/** What waits for a decision: a new service submitted for review, or a change request of an active service. */
export const REVIEW_QUEUE_KINDS = ['submission', 'change_request'] as const;

export const ReviewQueueItemSchema = Type.Object(
  {
    ...BackendServiceSchema.properties,
    kind: StringEnum(REVIEW_QUEUE_KINDS, {
      description:
        'submission: the service itself is under review (approve, return or reject it); change_request: an active ' +
        'service with a pending change request (`changeRequest`; approve or reject the request)',
    }),
    queuedAt: DateTime,
    changeRequest: Nullable(Ref(ChangeRequestSchema), { description: 'The pending request of a change_request item' }),
  },
  {
    $id: 'ReviewQueueItem',
    description: 'The service as an admin sees it, with what waits for a decision on it',
  },
);

export const ReviewQueuePageSchema = Type.Object(
  { items: Type.Array(Ref(ReviewQueueItemSchema)), nextCursor: NextCursor },
  { $id: 'ReviewQueuePage' },
);

export const REVIEW_QUEUE_SCHEMAS = [ReviewQueueItemSchema, ReviewQueuePageSchema];
