/**
 * `POST /auth/token` for the `client_credentials` grant (RFC 6749 §4.4; SMART App Launch 2.2 Backend Services).
 * The client authenticates with its secret (HTTP Basic, RFC 6749 §2.3.1, or `client_id`/`client_secret` in a form or
 * JSON body, as Aidbox accepts) or with a `private_key_jwt` assertion (RFC 7523 §2.2).
 *
 * Wire details as documented: `token_type` is `"Bearer"` in every Aidbox and Payerbox example
 * (`HealthSamurai/aidbox-docs` `docs/access-control/authorization/smart-on-fhir/smart-client-authorization/
 * smart-backend-services.md`; `HealthSamurai/payerbox-docs` `docs/api-reference/authentication.md`). Errors are
 * RFC 6749 §5.2 bodies (`{error, error_description}`), always with status 400: Aidbox documents no status for
 * `invalid_client` and Payerbox's "Common errors" table answers 400 for `invalid_request`, `invalid_grant`,
 * `invalid_client` ("Unknown `client_id`, wrong secret, or client assertion signature did not verify") and
 * `invalid_scope`. RFC 6749 would allow 401 for a failed client authentication; which one a licensed Aidbox sends is
 * an open question (infra/aidbox/NOTES.md), so callers of a real server should accept either.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AssertionRejected } from './client-assertion.ts';
import {
  clientCredentialsSettings,
  isActiveClient,
  JWT_BEARER_ASSERTION_TYPE,
  secretMatches,
} from './client-resource.ts';
import { type EmulatorContext, tokenUrl } from './emulator-context.ts';
import { isJsonObject, isStringArray } from './json-value.ts';
import type { StoredResource } from './resource-store.ts';
import { tokenScope } from './token-scope.ts';

const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** An RFC 6749 §5.2 error answer; 400 for every error, as Payerbox documents (see above). */
export class OAuthError extends Error {
  override name = 'OAuthError';

  constructor(
    readonly status: 400,
    readonly code: OAuthErrorCode,
    readonly description: string,
    /**
     * The client tried HTTP Basic: the answer names the scheme in `WWW-Authenticate`, which RFC 6749 §5.2 asks for
     * (RFC 9110 §11.6.1 allows it on any status).
     */
    readonly triedBasic = false,
  ) {
    super(description);
  }
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error.triedBasic) reply.header('www-authenticate', 'Basic realm="aidbox", charset="UTF-8"');
  return reply
    .code(error.status)
    .header('cache-control', 'no-store')
    .send({ error: error.code, error_description: error.description });
}

export function registerTokenEndpoint(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/auth/token', async (request, reply) => {
    try {
      const params = readParams(request.body);
      const basic = readBasicCredentials(request.headers.authorization);
      const answer = await exchange(context, params, basic);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(answer);
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });
}

interface BasicCredentials {
  readonly id: string;
  readonly secret: string;
}

async function exchange(
  context: EmulatorContext,
  params: ReadonlyMap<string, string>,
  basic: BasicCredentials | undefined,
): Promise<Record<string, unknown>> {
  const usesAssertion = params.has('client_assertion') || params.has('client_assertion_type');
  const usesPostedSecret = params.has('client_secret');
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
  if ([basic !== undefined, usesAssertion, usesPostedSecret].filter(Boolean).length > 1) {
    throw new OAuthError(400, 'invalid_request', 'use exactly one client authentication method');
  }
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }
  const stored = basic
    ? authenticateWithSecret(context, basic.id, basic.secret, params.get('client_id'), true)
    : usesAssertion
      ? await authenticateWithAssertion(context, params)
      : usesPostedSecret
        ? authenticateWithSecret(context, params.get('client_id'), params.get('client_secret') ?? '', undefined, false)
        : undefined;
  if (!stored) throw new OAuthError(400, 'invalid_client', 'client authentication is required');
  const client = stored.resource;
  const clientId = client.id as string;
  if (!isStringArray(client.grant_types) || !client.grant_types.includes('client_credentials')) {
    throw new OAuthError(400, 'unauthorized_client', 'the client may not use the client_credentials grant');
  }
  const granted = tokenScope(client, params.get('scope'), context.smartWildcardTypes);
  if ('refused' in granted) throw new OAuthError(400, 'invalid_scope', granted.refused);
  const { scope, enforcedScope } = granted;
  const expiration = clientCredentialsSettings(client).access_token_expiration;
  const lifetimeSeconds = typeof expiration === 'number' ? expiration : DEFAULT_TOKEN_LIFETIME_SECONDS;
  const accessToken = await context.signer.issue({ issuer: context.baseUrl, clientId, lifetimeSeconds, enforcedScope });
  return { access_token: accessToken, token_type: 'Bearer', expires_in: lifetimeSeconds, scope };
}

function authenticateWithSecret(
  context: EmulatorContext,
  clientId: string | undefined,
  secret: string,
  bodyClientId: string | undefined,
  triedBasic: boolean,
): StoredResource {
  if (!clientId) throw new OAuthError(400, 'invalid_request', 'client_id is required with client_secret');
  if (bodyClientId !== undefined && bodyClientId !== clientId) {
    throw new OAuthError(400, 'invalid_request', 'client_id in the body differs from the Authorization header');
  }
  const stored = context.store.get('Client', clientId);
  // One answer for unknown, wrong secret and inactive alike, as a real server would not say which.
  if (!secretMatches(stored?.secretSha256, secret) || !stored || !isActiveClient(stored.resource)) {
    throw new OAuthError(400, 'invalid_client', 'client authentication failed', triedBasic);
  }
  return stored;
}

async function authenticateWithAssertion(
  context: EmulatorContext,
  params: ReadonlyMap<string, string>,
): Promise<StoredResource> {
  const assertionType = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
  }
  if (!assertion) throw new OAuthError(400, 'invalid_request', 'client_assertion is required');
  try {
    const stored = await context.assertions.verify(assertion, tokenUrl(context), (id) =>
      context.store.get('Client', id),
    );
    const clientId = params.get('client_id');
    // RFC 7521 §4.2: a client_id sent along must identify the same client as the assertion.
    if (clientId !== undefined && clientId !== stored.resource.id) {
      throw new AssertionRejected('client_id differs from the client_assertion issuer');
    }
    return stored;
  } catch (error) {
    // RFC 7521 §4.2.1 and SMART Backend Services: an assertion that does not hold is invalid_client.
    if (error instanceof AssertionRejected) throw new OAuthError(400, 'invalid_client', error.message);
    throw error;
  }
}

/** Token request parameters from a form (RFC 6749 §4.4.2) or, as Aidbox also accepts, a JSON object. */
function readParams(body: unknown): Map<string, string> {
  const params = new Map<string, string>();
  if (body === undefined || body === null) return params;
  if (body instanceof URLSearchParams) {
    for (const [name, value] of body) {
      // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
      if (params.has(name)) throw new OAuthError(400, 'invalid_request', `${name} is given more than once`);
      params.set(name, value);
    }
    return params;
  }
  if (!isJsonObject(body)) throw new OAuthError(400, 'invalid_request', 'the body must be a form or a JSON object');
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw new OAuthError(400, 'invalid_request', `${name} must be a string`);
    params.set(name, value);
  }
  return params;
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined and base64-encoded. */
function readBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const malformed = new OAuthError(400, 'invalid_client', 'the Basic credentials are malformed', true);
  if (colon < 0) throw malformed;
  try {
    const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw malformed;
  }
}
