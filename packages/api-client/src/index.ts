import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, operations, paths } from './schema.d.ts';

type Schemas = components['schemas'];
export type BackendService = Schemas['BackendService'];
export type CreateBackendService = Schemas['CreateBackendService'];
export type UpdateBackendService = Schemas['UpdateBackendService'];
export type ServiceEvent = Schemas['ServiceEvent'];
export type EnvironmentStatus = Schemas['EnvironmentStatus'];
export type SecretCutover = Schemas['SecretCutover'];
export type JwksKeyReport = Schemas['JwksKeyReport'];
export type CreatedApiToken = Schemas['CreatedApiToken'];
export type Session = Schemas['Session'];
export type JwksReport = Schemas['JwksReport'];
export type AidboxEnvironments = Schemas['AidboxEnvironments'];
export type ApiToken = Schemas['ApiToken'];
export type Me = Schemas['Me'];
export type Problem = Schemas['Problem'];
export type ChangeRequest = Schemas['ChangeRequest'];
export type ChangedField = Schemas['ChangedField'];
export type ProposeChange = Schemas['ProposeChange'];
export type ReviewQueueItem = Schemas['ReviewQueueItem'];

export interface ApiClientOptions {
  /** Origin of the portal; the SPAs use their own origin (`''` or `location.origin`). */
  readonly baseUrl: string;
  /** A personal access token or an issuer access token (partner tooling). */
  readonly bearerToken?: string;
  /**
   * The browser session's CSRF token (from GET /api/auth/session), sent with every state-changing request. A function,
   * so the SPA can supply the current one.
   */
  readonly csrfToken?: () => string | undefined;
  readonly fetch?: typeof globalThis.fetch;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The typed client: `client.GET('/api/v1/backend-services/{id}', { params: { path: { id } } })`. */
export function createApiClient(options: ApiClientOptions) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    // Cookies stay first-party: the SPAs are served from the API's origin.
    credentials: 'same-origin',
    ...(options.fetch && { fetch: options.fetch }),
  });
  const credentials: Middleware = {
    onRequest({ request }) {
      if (options.bearerToken) request.headers.set('authorization', `Bearer ${options.bearerToken}`);
      const csrf = options.csrfToken?.();
      if (csrf && UNSAFE_METHODS.has(request.method)) request.headers.set('x-csrf-token', csrf);
      return request;
    },
  };
  client.use(credentials);
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Whether an error body is the API's problem+json (so its `code` and `errors` can be shown next to fields). */
export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string';
}
