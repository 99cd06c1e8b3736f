/**
 * The typed Aidbox client. It speaks Aidbox's own REST API at the server root (`/Client`, `/AccessPolicy`,
 * `/Organization`) as a provisioning client with HTTP Basic authentication; the same code talks to the emulator and
 * to a real Aidbox.
 */
import { AidboxError } from './errors.ts';
import type {
  AccessPolicy,
  AidboxClient,
  Bundle,
  MergePatch,
  Organization,
  Reference,
  TypedReference,
} from './resources.ts';
import { createTransport, type Reply, type RequestObservation, type Send } from './transport.ts';

export type { RequestObservation } from './transport.ts';

export interface AidboxClientOptions {
  /** Where the portal reaches Aidbox, e.g. `http://aidbox:8080` (a path prefix is kept; no credentials in it). */
  readonly baseUrl: string;
  /** The provisioning client's id; its Client needs `basic` in `grant_types`. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Per attempt, covering the response body too. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent requests that failed retryably. Default 2. */
  readonly retries?: number;
  /** First backoff step; each retry doubles it (capped at 2 s) with jitter. Default 200. */
  readonly retryDelayMs?: number;
  /** A fetch implementation; defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /** Observes every HTTP exchange (each retry counts) with its duration and outcome, e.g. for metrics. */
  readonly onRequest?: (observation: RequestObservation) => void;
}

/** Aidbox's answer to an upsert. */
export interface PutResult<T> {
  /** True for 201 Created, false for 200 OK. After a retried PUT whose first answer was lost, this reads false. */
  readonly created: boolean;
  readonly resource: T;
}

/** Aidbox's answer to a delete. */
export interface DeleteResult {
  /** True for 200 (the resource was there); false for 204, or 404 on servers configured to answer it. */
  readonly existed: boolean;
}

/** The Aidbox operations the portal uses. Every method throws {@link AidboxError} on failure. */
export interface AidboxApi {
  /** `PUT /Client/<id>`: creates or replaces the whole Client (a PUT without `secret` drops the secret). */
  putClient(resource: AidboxClient): Promise<PutResult<AidboxClient>>;
  /** `GET /Client/<id>`, or undefined when there is none. The answer never holds the secret. */
  getClient(id: string): Promise<AidboxClient | undefined>;
  /** `PATCH /Client/<id>` as an RFC 7386 merge patch, e.g. `{ active: false }`. */
  patchClient(id: string, patch: MergePatch<AidboxClient>): Promise<AidboxClient>;
  /** `DELETE /Client/<id>`. */
  deleteClient(id: string): Promise<DeleteResult>;
  putAccessPolicy(resource: AccessPolicy): Promise<PutResult<AccessPolicy>>;
  getAccessPolicy(id: string): Promise<AccessPolicy | undefined>;
  patchAccessPolicy(id: string, patch: MergePatch<AccessPolicy>): Promise<AccessPolicy>;
  deleteAccessPolicy(id: string): Promise<DeleteResult>;
  /** Every Organization, following the search Bundle's `next` links. */
  listOrganizations(): Promise<Organization[]>;
  /** `GET /health`: the parsed body (or its text when it is not JSON); throws unless Aidbox answers 200. */
  health(): Promise<unknown>;
  /** `GET /.well-known/smart-configuration` at the server root, where Aidbox documents it. */
  smartConfiguration(): Promise<unknown>;
}

/** Search pages are large so that an ordinary deployment's organizations come back in one request. */
const ORGANIZATION_PAGE_SIZE = 1000;
/** Bounds a `next` chain that never ends (a server bug) instead of looping forever. */
const MAX_ORGANIZATION_PAGES = 100;

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new TypeError('the Aidbox base URL is not a URL', { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('the Aidbox base URL must be http(s)');
  if (url.username || url.password) {
    throw new TypeError('the Aidbox base URL must not carry credentials; pass clientId and clientSecret');
  }
  if (url.search || url.hash) throw new TypeError('the Aidbox base URL must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function invalid(reply: Reply, expected: string): AidboxError {
  return new AidboxError(`${reply.operation} answered ${reply.status} without ${expected}`, {
    code: 'invalid_response',
    operation: reply.operation,
    status: reply.status,
  });
}

function resourceOf<T extends { resourceType: string }>(reply: Reply, resourceType: T['resourceType']): T {
  const body = reply.body as { resourceType?: unknown } | undefined;
  if (!reply.json || typeof body !== 'object' || body === null || body.resourceType !== resourceType) {
    throw invalid(reply, `a ${resourceType} resource`);
  }
  return body as T;
}

/**
 * Aidbox's native API writes references as `{ resourceType, id }`, its FHIR API as `{ reference }`; organizations
 * are returned in the FHIR form whichever the server used.
 */
function toFhirReference(value: Reference | TypedReference | undefined): Reference | undefined {
  if (!value) return undefined;
  if ('reference' in value) return value;
  return { reference: `${value.resourceType}/${value.id}` };
}

/** The typed resource operations shared by Client and AccessPolicy. */
function resourceOperations<T extends { resourceType: string; id: string; secret?: string }>(
  send: Send,
  resourceType: T['resourceType'],
) {
  const path = (id: string) => `/${resourceType}/${encodeURIComponent(id)}`;
  return {
    async put(resource: T): Promise<PutResult<T>> {
      const reply = await send({
        method: 'PUT',
        path: path(resource.id),
        body: resource,
        expect: [200, 201],
        secrets: [resource.secret],
      });
      return { created: reply.status === 201, resource: resourceOf<T>(reply, resourceType) };
    },
    async get(id: string): Promise<T | undefined> {
      // 404 for a resource that never existed, 410 for one that was deleted: both mean "not there".
      const reply = await send({ method: 'GET', path: path(id), expect: [200, 404, 410] });
      return reply.status === 200 ? resourceOf<T>(reply, resourceType) : undefined;
    },
    async patch(id: string, patch: MergePatch<T>): Promise<T> {
      const reply = await send({
        method: 'PATCH',
        path: path(id),
        body: patch,
        contentType: 'application/merge-patch+json',
        expect: [200],
        secrets: [(patch as { secret?: unknown }).secret as string | undefined],
      });
      return resourceOf<T>(reply, resourceType);
    },
    async delete(id: string): Promise<DeleteResult> {
      // Aidbox answers 204 for a resource already gone, or 404 with BOX_FHIR_RETURN_404_ON_EMPTY_DELETE.
      const reply = await send({ method: 'DELETE', path: path(id), expect: [200, 204, 404, 410] });
      return { existed: reply.status === 200 };
    },
  };
}

/** Creates a client for one Aidbox server. Throws a TypeError for an unusable base URL or client id. */
export function createAidboxClient(options: AidboxClientOptions): AidboxApi {
  if (options.clientId.includes(':')) throw new TypeError('a Basic-auth client id cannot contain ":"');
  const send = createTransport({
    baseUrl: normaliseBaseUrl(options.baseUrl),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    timeoutMs: options.timeoutMs ?? 5_000,
    retries: Math.max(0, options.retries ?? 2),
    retryDelayMs: options.retryDelayMs ?? 200,
    fetch: options.fetch ?? globalThis.fetch,
    onRequest: options.onRequest,
  });
  const clients = resourceOperations<AidboxClient>(send, 'Client');
  const policies = resourceOperations<AccessPolicy>(send, 'AccessPolicy');

  async function listOrganizations(): Promise<Organization[]> {
    const organizations: Organization[] = [];
    const seen = new Set<string>();
    let query: string | undefined = new URLSearchParams({ _count: String(ORGANIZATION_PAGE_SIZE) }).toString();
    while (query !== undefined) {
      if (seen.size >= MAX_ORGANIZATION_PAGES || seen.has(query)) {
        throw new AidboxError(`GET /Organization returned more than ${seen.size} pages or a looping next link`, {
          code: 'invalid_response',
          operation: 'GET /Organization',
        });
      }
      seen.add(query);
      const reply = await send({ method: 'GET', path: `/Organization?${query}`, expect: [200] });
      const bundle = resourceOf<Bundle<Organization>>(reply, 'Bundle');
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        // A searchset may carry an OperationOutcome entry (search mode "outcome"); only organizations count.
        if (resource?.resourceType !== 'Organization') continue;
        const partOf = toFhirReference(resource.partOf as Reference | TypedReference | undefined);
        const { partOf: _raw, ...rest } = resource;
        organizations.push(partOf ? { ...rest, partOf } : rest);
      }
      query = nextQuery(bundle);
    }
    return organizations;
  }

  return {
    putClient: clients.put,
    getClient: clients.get,
    patchClient: clients.patch,
    deleteClient: clients.delete,
    putAccessPolicy: policies.put,
    getAccessPolicy: policies.get,
    patchAccessPolicy: policies.patch,
    deleteAccessPolicy: policies.delete,
    listOrganizations,
    async health() {
      return (await send({ method: 'GET', path: '/health', expect: [200] })).body;
    },
    async smartConfiguration() {
      const reply = await send({ method: 'GET', path: '/.well-known/smart-configuration', expect: [200] });
      if (!reply.json || typeof reply.body !== 'object' || reply.body === null) {
        throw invalid(reply, 'a JSON object');
      }
      return reply.body;
    },
  };
}

/**
 * The query of the Bundle's `next` link. Only the query is followed, against our own base URL: the link names
 * whatever host Aidbox believes it is at (BOX_WEB_BASE_URL), which may not be where we reach it, and the Basic
 * credentials must never be sent to a host the server names.
 */
function nextQuery(bundle: Bundle<unknown>): string | undefined {
  const next = bundle.link?.find((link) => link.relation === 'next')?.url;
  if (!next) return undefined;
  return new URL(next, 'http://aidbox.invalid/').search.replace(/^\?/, '') || undefined;
}
