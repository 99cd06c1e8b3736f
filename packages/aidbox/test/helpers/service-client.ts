// A backend service provisioned on the contract target the way the provisioner does it (mapped Client and
// AccessPolicy), with a client_credentials token and a FHIR caller.
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { accessPolicyResource, clientResource, createAidboxClient, type ServiceSpec } from '../../src/index.ts';
import type { Target } from './target.ts';

/** A client_credentials token for a client secret (HTTP Basic), asserting the token endpoint answers 200. */
export async function clientCredentialsToken(
  t: Test,
  base: string,
  clientId: string,
  secret: string,
  scope?: string,
): Promise<string> {
  const response = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope !== undefined && { scope }) }),
  });
  t.equal(response.status, 200, 'the token endpoint issues a token');
  return ((await response.json()) as { access_token: string }).access_token;
}

export interface FhirAnswer {
  readonly status: number;
  readonly body: any;
}

export interface FhirCaller {
  readonly clientId: string;
  /** A request to `<aidbox><path>` with the service's token; a string body is sent as a form. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<FhirAnswer>;
}

/**
 * Provisions a `client_secret` service with `scopes` on the target through `clientResource` and
 * `accessPolicyResource`, as the provisioning client (its id comes from `target.newClientId`, so the Client and its
 * policy are removed at teardown) and answers a caller holding its token.
 */
export async function provisionedService(
  t: Test,
  target: Target,
  scopes: readonly string[],
  scopeVersion: ServiceSpec['scopeVersion'] = 'v2',
): Promise<FhirCaller> {
  const aidbox = createAidboxClient({ ...target.connection, timeoutMs: 10_000 });
  const clientId = target.newClientId();
  const secret = `pbx_cs_${randomBytes(12).toString('hex')}`;
  const spec: ServiceSpec = {
    clientId,
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion,
    scopes,
    organizationId: null,
  };
  await aidbox.putClient(clientResource(spec, { active: true, secret }));
  await aidbox.putAccessPolicy(accessPolicyResource(spec));
  const base = target.connection.baseUrl.replace(/\/+$/, '');
  const token = await clientCredentialsToken(t, base, clientId, secret);
  return {
    clientId,
    async request(method, path, body, contentType) {
      const form = typeof body === 'string';
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/fhir+json',
          ...(body !== undefined && {
            'content-type': contentType ?? (form ? 'application/x-www-form-urlencoded' : 'application/fhir+json'),
          }),
        },
        ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}
