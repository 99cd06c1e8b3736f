/**
 * The pure mapping from a backend service (as the database records it) to the Aidbox resources that implement it
 * (design.md, "Aidbox mapping"). No I/O: the provisioner decides when to write, this module only decides what.
 */
import { grantsOf, type Permission, type ScopeVersion, type SystemScope } from '@payerbox/domain';
import { bulkExportAlternatives } from './bulk-export-policy.ts';
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

/**
 * What each SMART permission allows on the root FHIR base `/fhir`, in two parts: the Aidbox operation ids the docs
 * name consistently (`OPERATIONS`), and the interactions whose ids they spell two ways or not at all, matched by what
 * the request is (`REQUEST_SHAPES`). Nothing else: no Bundle (`POST /fhir`), no conditional delete, no compartment or
 * system-wide search, no `$` operations (bulk export has alternatives of its own, `bulk-export-policy.ts`).
 * infra/aidbox/NOTES.md, "Open questions (scopes and permissions)", lists what an operator confirms on a real Aidbox.
 *
 * Ids: `FhirRead`, `FhirSearch`, `FhirCreate`, `FhirUpdate`, `FhirPatch` (aidbox-docs
 * `docs/solutions/aidbox-+-fhir-app-portal/getting-started/run-aidbox-+-fhir-portal-locally.md`); `FhirPostSearch`,
 * search by `POST /fhir/<type>/_search` (payerbox-docs `docs/api-reference/configuration-resources/access-policies.md`,
 * spelled the same in every version).
 */
const OPERATIONS: Readonly<Record<Permission, readonly string[]>> = {
  c: ['FhirCreate'],
  r: ['FhirRead'],
  // A merge or JSON patch changes a resource just like an update does, so `u` allows both.
  u: ['FhirUpdate', 'FhirPatch'],
  // Delete has no documented id (`FhirDelete` is written nowhere): it is matched by its shape below.
  d: [],
  s: ['FhirSearch', 'FhirPostSearch'],
};

/** A FHIR interaction recognised by its method and path, for a policy that must not bet on an undocumented id. */
interface RequestShape {
  /** The permissions a grant must hold, all of them, for this interaction. */
  readonly requires: readonly Permission[];
  /** Aidbox's `request-method`, lowercase (`docs/access-control/authorization/access-policies.md`). */
  readonly method: 'get' | 'put' | 'delete';
  /** The path after `/fhir/<type>`, as a regular expression. */
  readonly path: string;
}

/** A resource id in a path; Aidbox's `uri` has no query string, so this is the whole segment. */
const ID = '[^/?]+';

/**
 * The interactions matched by shape. vread and history: their ids are `FhirVRead` / `FhirVread`,
 * `FhirHistoryInstance` / `FhirHistory` and `FhirHistoryType` in two versions of the same payerbox-docs page
 * (`docs/api-reference/configuration-resources/access-policies.md`); delete: not named anywhere; conditional update:
 * `FhirConditionalUpdate` appears once, linked to a policy whose own test request is a plain update (aidbox-docs
 * `docs/tutorials/security-access-control-tutorials/accesspolicy-examples.md`). Conditional update needs c, u AND s:
 * it creates when nothing matches, and its answer tells whether something matched (a search).
 */
const REQUEST_SHAPES: readonly RequestShape[] = [
  { requires: ['r'], method: 'get', path: `/${ID}/_history(/${ID})?` }, // vread, instance history
  { requires: ['s'], method: 'get', path: '/_history' }, // type history
  { requires: ['d'], method: 'delete', path: `/${ID}` },
  { requires: ['c', 'u', 's'], method: 'put', path: '' }, // conditional update: PUT /fhir/<type>?<criteria>
];

/** Any resource type, for a wildcard grant: `uri` then says "some type" where `params` says nothing. */
const ANY_RESOURCE_TYPE = '[A-Z][A-Za-z]+';

/** The path prefix of the root FHIR base, as Aidbox's `uri` shows it (`uri: /fhir/Patient` in access-policies.md). */
const ROOT_FHIR_PATH = '/fhir';

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
 * The Aidbox Client of `service`, without a `type`, as Payerbox registers its backend partners (payerbox-docs
 * `docs/api-reference/authentication.md` § "SMART Backend Services"). A `type: smart-app` client would get `atv: 2`
 * and `scope` in its tokens and Aidbox would check those scopes before any policy, after expanding `system/*.read` to
 * a fixed list of 19 mostly US Core types without Coverage, ExplanationOfBenefit or Claim (aidbox-docs
 * `docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md`,
 * `.../smart-client-authorization/smart-backend-services.md`): a payer client with `system/*.rs` would be refused
 * the payer data it exists for. Without the type, the AccessPolicy derived from the scopes (`accessPolicyResource`)
 * is the one gate, as the product says ("its access policy is derived from the scopes", payerbox-docs
 * `docs/fhir-app-portal/backend-services.md`). `scope` keeps the stored scopes: what the client may ask a token for.
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
 * The AccessPolicy that lets the client do what its scopes say, and the only gate: the Client has no `type`, so
 * Aidbox checks no token scopes (`clientResource`). It allows requests of the active client with this id only, in
 * `$one-of` alternatives per granted resource type (`*` for all types): on the root base those of
 * `rootBaseAlternatives` (what each permission allows: `OPERATIONS`, `REQUEST_SHAPES`); then, for a client that may
 * export some type (read and search on it), those of a bulk export of such types (`bulk-export-policy.ts`).
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
 *
 * @throws MappingError when the organization id is not a FHIR id.
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
  const alternatives: JsonValue[] = grantsOf(service.scopes, service.scopeVersion).flatMap((grant) =>
    organizationId === null
      ? rootBaseAlternatives(client, grant)
      : organizationAlternatives(client, organizationId, grant),
  );
  alternatives.push(...bulkExportAlternatives(client, service.scopes, service.scopeVersion, organizationId));
  return {
    resourceType: 'AccessPolicy',
    id: accessPolicyId(service.clientId),
    engine: 'matcho',
    link: [{ resourceType: 'Client', id: service.clientId }],
    matcho: { '$one-of': alternatives },
    description: `Backend service ${service.clientId}: what its SMART system scopes allow. Written by the provisioner.`,
  };
}

/**
 * The alternatives of one grant on the root base: one for the documented operation ids of its permissions, one per
 * request shape it holds every permission of. Each names the client, and each pins the resource type in `uri`, the
 * request's path, which a caller cannot change: Aidbox documents `params` as the query string merged with the
 * route's values without saying which wins when both name `resource/type`, so a policy trusting `params` alone might
 * let `GET /fhir/Observation?resource/type=Patient` through for a Patient-only grant. `params.resource/type` stays
 * too, in the shape Aidbox's own examples use. A wildcard grant names no type in `params` and any type in `uri`.
 */
function rootBaseAlternatives(client: JsonValue, grant: SystemScope): JsonValue[] {
  const type = grant.resource === '*' ? ANY_RESOURCE_TYPE : grant.resource;
  const typePath = `${ROOT_FHIR_PATH}/${type}`;
  const params = grant.resource === '*' ? {} : { params: { 'resource/type': grant.resource } };
  const ids = grant.permissions.flatMap((permission) => OPERATIONS[permission]);
  const byId =
    ids.length === 0 ? [] : [{ client, ...params, uri: `#^${typePath}(/${ID})?$`, operation: { id: { $enum: ids } } }];
  const byShape = REQUEST_SHAPES.filter((shape) => shape.requires.every((p) => grant.permissions.includes(p))).map(
    (shape) => ({ client, 'request-method': shape.method, uri: `#^${typePath}${shape.path}$` }),
  );
  return [...byId, ...byShape];
}
