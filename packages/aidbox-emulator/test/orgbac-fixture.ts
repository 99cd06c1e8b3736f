// OrgBAC test helpers: an emulator with OrgBAC on, and clients bound to an organization with the policy shape the
// portal writes for production (the client binding, a uri anchored on the organization base, params as a second
// condition, reads by their documented operation ids).
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { EmulatorOptions } from '../src/index.ts';
import { type Harness, startEmulator, uniqueId } from './emulator-fixture.ts';

export const TENANT = 'https://aidbox.app/tenant-organization-id';
export const MODE = 'https://aidbox.app/tenant-resource-mode';
/** The operation ids Aidbox gives read and search on an organization base (documented). */
export const ORG_READ_SEARCH = ['orgbac-fhir-read', 'orgbac-fhir-search'];

/** An emulator with OrgBAC on, as `BOX_SECURITY_ORGBAC_ENABLED=true` runs Aidbox. */
export function startOrgbacEmulator(t: Test, options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  return startEmulator(t, { orgbac: true, ...options });
}

/** The Client binding as the provisioner writes it through the admin API (Aidbox format). */
export const clientBinding = (org: string) => ({
  extension: [{ url: TENANT, value: { Reference: { resourceType: 'Organization', id: org } } }],
});

/** The client pattern of the portal's policy for a bound client. */
export const boundClientPattern = (clientId: string, org: string) => ({
  id: clientId,
  active: true,
  meta: { extension: { $contains: { url: TENANT, value: { Reference: { id: org } } } } },
});

/** One `$one-of` alternative of the portal's policy for reads of an organization-bound client. */
export function orgAlternative(clientId: string, org: string, type: string | undefined, operations: string[]) {
  return {
    client: boundClientPattern(clientId, org),
    uri: `#^/Organization/${org.replace(/[^A-Za-z0-9]/g, '\\$&')}/fhir/${type ?? '[A-Z][A-Za-z]+'}(/|$)`,
    params: type === undefined ? { 'organization/id': org } : { 'organization/id': org, 'resource/type': type },
    operation: { id: { $enum: operations } },
  };
}

export interface OrgClientOptions {
  scope?: string[];
  /** The Client's `type`; `smart-app` puts the scopes into its tokens, where Aidbox checks them. */
  type?: string;
  types?: (string | undefined)[];
  operations?: string[];
  /** Replaces the policy's matcho. */
  matcho?: Record<string, unknown>;
}

/** A secret client bound to `org` with the portal's policy shape (or `matcho`); answers an access token. */
export async function orgBoundClient(aidbox: Harness, org: string, options: OrgClientOptions = {}): Promise<string> {
  const id = uniqueId('svc');
  const secret = `secret-${randomUUID()}`;
  await aidbox.putClient(id, {
    ...(options.type !== undefined && { type: options.type }),
    meta: clientBinding(org),
    active: true,
    secret,
    grant_types: ['client_credentials'],
    scope: options.scope ?? ['system/Patient.rs'],
    auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
  });
  const operations = options.operations ?? ORG_READ_SEARCH;
  const types = options.types ?? ['Patient'];
  await aidbox.putPolicy(`${id}-policy`, {
    engine: 'matcho',
    link: [{ resourceType: 'Client', id }],
    matcho: options.matcho ?? { '$one-of': types.map((type) => orgAlternative(id, org, type, operations)) },
  });
  const answer = await aidbox.token({ grant_type: 'client_credentials', client_id: id, client_secret: secret });
  if (answer.status !== 200) throw new Error(`token: ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

export const ids = (answer: { body: { entry: { resource: { id: string } }[] } }) =>
  answer.body.entry.map((entry) => entry.resource.id).sort();

export const bindingOf = (resource: {
  meta?: { extension?: { url: string; valueReference?: { reference: string } }[] };
}) => resource.meta?.extension?.find((extension) => extension.url === TENANT)?.valueReference?.reference;
