/**
 * The pure mapping from a backend service (as the database records it) to the Aidbox resources that implement it
 * (design.md, "Aidbox mapping"). No I/O: the provisioner decides when to write, this module only decides what.
 */
import { grantsOf, type Permission, type ScopeVersion } from '@payerbox/domain';
import { isFhirId, organizationAlternatives } from './organization-policy.ts';
import type { AccessPolicy, AidboxClient, Extension, JsonValue } from './resources.ts';

/** What the mapping needs to know about a backend service. */
export interface ServiceSpec {
  /** The OAuth client_id, which is also the Aidbox Client id in every environment. */
  readonly clientId: string;
  readonly authMethod: 'jwks_uri' | 'client_secret';
  /** Required when `authMethod` is `jwks_uri`. */
  readonly jwksUri: string | null;
  readonly scopeVersion: ScopeVersion;
  /** The stored system scopes: valid for `scopeVersion`, normalised. */
  readonly scopes: readonly string[];
  /**
   * The OrgBAC organization the client is bound to in the environment being written, if any: the service's
   * organization in production, always null in the sandbox, which runs without OrgBAC (`organizationInEnvironment`).
   */
  readonly organizationId: string | null;
}

export interface ClientResourceOptions {
  readonly active: boolean;
  /**
   * The plaintext client secret of a `client_secret` service. Required while the client is active: a PUT replaces
   * the whole resource, so a PUT without `secret` drops it and the client can no longer authenticate.
   */
  readonly secret?: string;
}

/** The tokens Aidbox issues live five minutes: short enough that deactivation takes hold quickly. */
export const ACCESS_TOKEN_EXPIRATION_SECONDS = 300;

/** RFC 7523 client assertion type used by SMART Backend Services (`private_key_jwt`). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The meta extension that binds a resource to its OrgBAC organization. */
export const TENANT_ORGANIZATION_EXTENSION_URL = 'https://aidbox.app/tenant-organization-id';

/** The Aidbox operation ids each SMART v2 permission letter allows on the root FHIR base `/fhir`. */
const OPERATIONS: Readonly<Record<Permission, readonly string[]>> = {
  c: ['FhirCreate'],
  r: ['FhirRead'],
  // A merge or JSON patch changes a resource just like an update does, so `u` allows both.
  u: ['FhirUpdate', 'FhirPatch'],
  d: ['FhirDelete'],
  s: ['FhirSearch'],
};

/** Thrown when a service cannot be mapped (a secret service without its secret, a JWKS service without a URI). */
export class MappingError extends Error {
  override name = 'MappingError';
}

/**
 * The binding of a Client to its organization in Aidbox's native format, because Clients are written through the
 * native API (`PUT /Client/<id>`), where a Reference value is `value: { Reference: { resourceType, id } }` rather
 * than FHIR's `valueReference: { reference: 'Organization/<id>' }`.
 */
export function organizationBinding(organizationId: string): Extension {
  return {
    url: TENANT_ORGANIZATION_EXTENSION_URL,
    value: { Reference: { resourceType: 'Organization', id: organizationId } },
  };
}

/**
 * The Aidbox Client of `service`, without a `type`, as Payerbox registers backend clients (payerbox-docs
 * `docs/api-reference/authentication.md`): its AccessPolicy, derived from the scopes, is what grants access. The
 * provisioning client may not write a `type` at all (infra/aidbox/NOTES.md). `scope` holds the stored scopes unchanged.
 *
 * @throws MappingError when a `jwks_uri` service has no URI, or an active `client_secret` service gets no secret.
 */
export function clientResource(service: ServiceSpec, options: ClientResourceOptions): AidboxClient {
  const base = {
    resourceType: 'Client',
    id: service.clientId,
    active: options.active,
    grant_types: ['client_credentials'],
    scope: [...service.scopes],
    ...(service.organizationId === null ? {} : { meta: { extension: [organizationBinding(service.organizationId)] } }),
  } as const;
  switch (service.authMethod) {
    case 'jwks_uri': {
      if (!service.jwksUri) throw new MappingError(`service ${service.clientId} uses jwks_uri but has no JWKS URI`);
      return {
        ...base,
        auth: {
          client_credentials: {
            token_format: 'jwt',
            access_token_expiration: ACCESS_TOKEN_EXPIRATION_SECONDS,
            client_assertion_types: [JWT_BEARER_ASSERTION_TYPE],
          },
        },
        jwks_uri: service.jwksUri,
      };
    }
    case 'client_secret': {
      if (!options.secret && options.active) {
        throw new MappingError(`service ${service.clientId} uses client_secret: an active client needs its secret`);
      }
      return {
        ...base,
        auth: {
          client_credentials: { token_format: 'jwt', access_token_expiration: ACCESS_TOKEN_EXPIRATION_SECONDS },
        },
        ...(options.secret ? { secret: options.secret } : {}),
      };
    }
    default:
      return service.authMethod satisfies never;
  }
}

/**
 * The id of the AccessPolicy of a client: `<clientId>-policy`. A suffix rather than the bare client id so that the
 * policy reads as what it is in the Aidbox console and in logs (ids are per resource type, so either would work).
 */
export function accessPolicyId(clientId: string): string {
  return `${clientId}-policy`;
}

/**
 * The AccessPolicy that lets the client do what its scopes say. Scopes alone never grant access in Aidbox; this
 * policy does, and only for the active client with this id: one alternative per resource type (`*` for all types)
 * with the operation ids its permissions allow.
 *
 * @throws MappingError when the organization id is not a FHIR id.
 *
 * The client condition is repeated inside every alternative instead of sitting beside `$one-of`: the Matcho reference
 * (`docs/reference/matcho-dsl-reference.md`) says `$one-of` cannot be combined with other keys in the same map, and a
 * dropped client condition would hand these permissions to every caller the policy is evaluated for.
 *
 * For a client bound to an OrgBAC organization (production only) every alternative also requires that binding on the
 * client, a request path under that organization's FHIR base (`/Organization/<id>/fhir`) and `params.organization/id`;
 * reads go by their documented org-scoped operation ids and writes by method and path (`organization-policy.ts`).
 * Aidbox's hierarchical access control how-to compares the binding with `.params.organization/id`; a per-client policy
 * knows the organization, so it names it literally, which is equivalent and needs no reference into the request.
 * Which resources a request through that base reaches is OrgBAC's decision: the organization's own and its
 * descendants'.
 */
export function accessPolicyResource(service: ServiceSpec): AccessPolicy {
  const client: { [key: string]: JsonValue } = { id: service.clientId, active: true };
  const organizationId = service.organizationId;
  if (organizationId !== null) {
    // The id goes into a path pattern: anything but a FHIR id could widen it.
    if (!isFhirId(organizationId)) {
      throw new MappingError(`service ${service.clientId} has an organization id that is not a FHIR id`);
    }
    // `$contains` rather than an array literal: a Matcho array pattern matches by position, and the binding need
    // not be the client's first extension. Only the id is matched, so an Aidbox that leaves `resourceType` out of a
    // stored reference still matches.
    client.meta = {
      extension: {
        $contains: { url: TENANT_ORGANIZATION_EXTENSION_URL, value: { Reference: { id: organizationId } } },
      },
    };
  }
  const grants = grantsOf(service.scopes, service.scopeVersion);
  const alternatives: JsonValue[] =
    organizationId !== null
      ? grants.flatMap((grant) => organizationAlternatives(client, organizationId, grant))
      : grants.map((grant) => {
          const operation = { id: { $enum: grant.permissions.flatMap((permission) => OPERATIONS[permission]) } };
          // A wildcard type matches requests for every resource type, so it puts no condition on `resource/type`.
          return grant.resource === '*'
            ? { client, operation }
            : { client, params: { 'resource/type': grant.resource }, operation };
        });
  return {
    resourceType: 'AccessPolicy',
    id: accessPolicyId(service.clientId),
    engine: 'matcho',
    link: [{ resourceType: 'Client', id: service.clientId }],
    matcho: { '$one-of': alternatives },
    description: `Backend service ${service.clientId}: what its SMART system scopes allow. Written by the provisioner.`,
  };
}
