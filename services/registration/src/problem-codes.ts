/**
 * Every problem `code` the registration service can send, with the one HTTP status it is sent with and what it means.
 * The OpenAPI document declares `code` as an enum of these, the README lists them (a test compares), and
 * `ProblemError` accepts no other code, nor another status for a code.
 */
export const PROBLEM_CODES = {
  validation_failed: { status: 400, meaning: 'The request does not match the schema; `errors` names each field' },
  malformed_request: {
    status: 400,
    meaning: 'The request cannot be read: invalid JSON, a malformed URL or HTTP message',
  },
  invalid_cursor: { status: 400, meaning: '`cursor` is not a `nextCursor` this list gave out' },
  invalid_date_range: { status: 400, meaning: 'The date range ends before it starts: `from` is after `to`' },
  unknown_organization: { status: 400, meaning: 'No organization has this `organizationId` (OrgBAC); with `errors`' },
  jwks_invalid: { status: 400, meaning: 'The JWKS URI does not serve a usable key set; with the `jwksReport`' },
  sign_in_failed: { status: 400, meaning: 'The identity provider did not complete the sign-in' },
  invalid_return_to: { status: 400, meaning: '`returnTo` is not a path of the same portal' },
  unauthenticated: { status: 401, meaning: 'No credentials were sent' },
  invalid_token: { status: 401, meaning: 'The bearer token is malformed, unknown, revoked or expired' },
  session_expired: { status: 401, meaning: 'The browser session ended (too old or idle); sign in again' },
  unknown_user: { status: 401, meaning: "An issuer's access token names a user who never signed in to the portal" },
  no_session: { status: 401, meaning: 'The request authenticated with a token, not a browser session' },
  forbidden: { status: 403, meaning: 'Authenticated, but the role does not allow this' },
  csrf_failed: { status: 403, meaning: 'A change with the session cookie lacks a portal Origin or the CSRF token' },
  not_found: { status: 404, meaning: 'The resource does not exist or belongs to someone else' },
  route_not_found: { status: 404, meaning: 'No route has this path' },
  sign_in_not_configured: { status: 404, meaning: 'The portal has no OpenID Connect issuer; use API tokens' },
  method_not_allowed: { status: 405, meaning: 'The path exists, but not with this method; `Allow` lists its methods' },
  request_timeout: { status: 408, meaning: 'The request did not arrive in time' },
  illegal_transition: { status: 409, meaning: 'The action is not allowed in the current status; with `currentStatus`' },
  changed_during_check: { status: 409, meaning: 'The service changed while its key set was being checked; retry' },
  not_a_secret_client: { status: 409, meaning: 'The service authenticates with a key set, so it has no secret' },
  change_request_pending: {
    status: 409,
    meaning: 'The service already has a pending change request; with `changeRequestId`',
  },
  change_request_decided: {
    status: 409,
    meaning: 'The change request is no longer pending; with its `currentStatus`',
  },
  orgbac_disabled: { status: 409, meaning: 'This deployment does not use organizations' },
  email_in_use: { status: 409, meaning: 'The e-mail address belongs to another account' },
  no_production_secret: { status: 409, meaning: 'The service has no production secret (it is issued at approval)' },
  no_secret_cutover_pending: {
    status: 409,
    meaning: 'No production secret rotation waits for its switch; with `cutoverState`',
  },
  secret_cutover_applying: {
    status: 409,
    meaning: 'The last production secret switch is still being applied; rotate again once applied',
  },
  production_secret_already_retrieved: {
    status: 410,
    meaning: 'The production secret was shown once already; rotate it to get a new one',
  },
  version_mismatch: { status: 412, meaning: '`If-Match` does not name the current version; with `currentVersion`' },
  precondition_failed: { status: 412, meaning: 'A conditional request header of a static file does not hold' },
  payload_too_large: { status: 413, meaning: 'The body is larger than 256 KiB' },
  uri_too_long: { status: 414, meaning: 'A path segment is too long to be routed' },
  unsupported_media_type: {
    status: 415,
    meaning: 'The body is not JSON in UTF-8, or has a `Content-Encoding` the service does not decode',
  },
  range_not_satisfiable: { status: 416, meaning: 'The `Range` of a static file is beyond its end' },
  idempotency_key_reused: { status: 422, meaning: 'The `Idempotency-Key` was used with a different request' },
  precondition_required: { status: 428, meaning: '`If-Match` is missing' },
  rate_limited: { status: 429, meaning: 'Too many requests; `Retry-After` says when to try again' },
  header_fields_too_large: { status: 431, meaning: 'The request headers are too large' },
  internal_error: { status: 500, meaning: 'Something failed on our side; `requestId` finds it in the logs' },
  aidbox_unavailable: { status: 502, meaning: 'Aidbox did not answer (OrgBAC refresh); the list read before is kept' },
  identity_provider_unavailable: { status: 503, meaning: 'The identity provider does not answer' },
  organizations_unavailable: {
    status: 503,
    meaning: 'The organizations were never read and Aidbox does not answer (OrgBAC)',
  },
  not_ready: { status: 503, meaning: 'The database does not answer' },
  shutting_down: { status: 503, meaning: 'This instance is finishing its requests before it stops' },
} as const satisfies Record<string, { readonly status: number; readonly meaning: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The status a code is always sent with. */
export type ProblemCodeStatus<C extends ProblemCode> = (typeof PROBLEM_CODES)[C]['status'];

/** The codes sent with one status, e.g. `ProblemCodeWithStatus<401>`. */
export type ProblemCodeWithStatus<S extends number> = {
  [C in ProblemCode]: ProblemCodeStatus<C> extends S ? C : never;
}[ProblemCode];

/** The codes in the order of the table (by status), for enums and lists. */
export const PROBLEM_CODE_NAMES = Object.keys(PROBLEM_CODES) as ProblemCode[];

export function isProblemCode(value: string): value is ProblemCode {
  return Object.hasOwn(PROBLEM_CODES, value);
}
