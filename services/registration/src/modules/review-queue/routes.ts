import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { serviceContext } from '../backend-services/context.ts';
import { REVIEW_QUEUE_EXAMPLES } from '../change-requests/examples.ts';
import { ReviewQueuePageSchema } from './schemas.ts';
import { reviewQueuePage } from './service.ts';

/** What waits for an admin's decision. Registered under /api/v1/admin behind requireAdmin. */
export const reviewQueueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);
  app.get(
    '/review-queue',
    {
      schema: {
        operationId: 'adminReviewQueue',
        tags: ['admin'],
        summary: 'Submissions and change requests waiting for a decision, the one waiting longest first',
        description:
          'Each item is the service as an admin sees it, with `kind`: `submission` (a service under review: ' +
          'approve, return or reject it) or `change_request` (an active service whose pending request, in ' +
          '`changeRequest`, waits to be approved or rejected). Ordered by `queuedAt` (submission time, or when the ' +
          'request was made), then id; page with `limit` and `nextCursor`.',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: jsonResponse(Ref(ReviewQueuePageSchema), 'A page of the queue'),
          ...problemResponses('invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: REVIEW_QUEUE_EXAMPLES } } },
    },
    async (request) => reviewQueuePage(ctx, request.query),
  );
};
