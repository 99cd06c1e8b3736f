import type { BackendService, ServiceEvent } from '@payerbox/api-client';
import { useApi } from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import { serviceQueries } from '../api/queries.ts';

/** The actions that make a service Rejected: declined at review, deactivated by an admin, retired by its owner. */
export type RejectingAction = 'reject' | 'deactivate' | 'retire';

const REJECTING_ACTIONS: readonly string[] = ['reject', 'deactivate', 'retire'] satisfies RejectingAction[];

function isRejecting(event: ServiceEvent): event is ServiceEvent & { action: RejectingAction } {
  return event.toStatus === 'rejected' && REJECTING_ACTIONS.includes(event.action);
}

/** The action of the newest event (in `events`, oldest first) that made the service Rejected; undefined without one. */
export function rejectingAction(events: readonly ServiceEvent[]): RejectingAction | undefined {
  return events.filter(isRejecting).at(-1)?.action;
}

/**
 * How a rejected service got there, read from its audit trail: the status is Rejected after a retirement as after a
 * deactivation, and only the event says whose decision it was. Undefined for another status and while the trail loads
 * (the timeline's query, so it is read once).
 */
export function useRejectingAction(service: BackendService): RejectingAction | undefined {
  const api = useApi();
  const events = useQuery(serviceQueries.events(api, service.id));
  return service.status === 'rejected' && events.data ? rejectingAction(events.data) : undefined;
}

/** The title of the reason a rejected service carries, by whose reason it is. */
export const REASON_TITLES: Readonly<Record<RejectingAction, string>> = {
  reject: 'Reason given by the reviewer',
  deactivate: 'Reason given by the administrator',
  retire: 'Your reason for retiring it',
};
