import { createService, type TestUser } from './app.ts';

export type Status = 'draft' | 'under_review' | 'active' | 'rejected';

export interface ServiceView {
  id: string;
  clientId: string;
  name: string;
  status: Status;
  version: number;
  [member: string]: any;
}

async function act(user: TestUser, method: string, url: string, body?: unknown): Promise<ServiceView> {
  const response = await user.request(method, url, body);
  if (response.statusCode !== 200) throw new Error(`${method} ${url} failed: ${response.statusCode} ${response.body}`);
  return response.json() as ServiceView;
}

/** Creates a service owned by `owner` and moves it through the API (as `admin` where needed) into `status`. */
export async function serviceInStatus(
  owner: TestUser,
  admin: TestUser,
  status: Status,
  overrides: Record<string, unknown> = {},
): Promise<ServiceView> {
  const created = (await createService(owner, overrides)) as ServiceView;
  if (status === 'draft') return created;
  const submitted = await act(owner, 'POST', `/api/v1/backend-services/${created.id}/submit`);
  if (status === 'under_review') return submitted;
  if (status === 'rejected') {
    return act(admin, 'POST', `/api/v1/admin/backend-services/${created.id}/reject`, { reason: 'not this time' });
  }
  return act(admin, 'POST', `/api/v1/admin/backend-services/${created.id}/approve`, {});
}

/** The service as its owner sees it now. */
export async function fetchService(owner: TestUser, id: string): Promise<ServiceView> {
  return act(owner, 'GET', `/api/v1/backend-services/${id}`);
}

export interface EventView {
  id: string;
  serviceId: string;
  serviceName: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  serviceStatus: Status | null;
  actor: { id: string; email: string; name: string } | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** Every event of a service, newest first, as its owner sees them. */
export async function serviceEvents(owner: TestUser, id: string): Promise<EventView[]> {
  const response = await owner.request('GET', `/api/v1/backend-services/${id}/events?limit=100`);
  if (response.statusCode !== 200) throw new Error(`events failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { items: EventView[] }).items;
}
