/**
 * The Aidbox resources the portal reads and writes, typed to the fields we use. Field names follow Aidbox's own
 * snake_case (`grant_types`, `jwks_uri`): these are wire shapes, not our camelCase domain objects.
 */

/** A FHIR reference by URL (`Organization/<id>`). */
export interface Reference {
  readonly reference: string;
}

/** An Aidbox-style reference by type and id, as used in `AccessPolicy.link`. */
export interface TypedReference<T extends string = string> {
  readonly resourceType: T;
  readonly id: string;
}

/**
 * An extension. The FHIR API writes values as `value<Type>` (`valueReference: { reference }`); Aidbox's native API,
 * which the portal writes Clients through, nests them by type instead (`value: { Reference: { resourceType, id } }`).
 */
export interface Extension {
  readonly url: string;
  readonly valueReference?: Reference;
  readonly valueString?: string;
  /** The native (Aidbox format) value. */
  readonly value?: { readonly Reference?: Partial<TypedReference> & { readonly id: string } };
}

/**
 * Resource metadata. `lastUpdated`, `versionId` and `createdAt` are managed by the server; the portal only writes
 * `extension` (the OrgBAC organization binding).
 */
export interface Meta {
  readonly lastUpdated?: string;
  readonly versionId?: string;
  readonly createdAt?: string;
  readonly extension?: readonly Extension[];
}

/** The OAuth `client_credentials` settings of an Aidbox Client. */
export interface ClientCredentialsAuth {
  readonly token_format: 'jwt';
  /** Seconds. */
  readonly access_token_expiration: number;
  /** Present for `private_key_jwt` clients: `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`. */
  readonly client_assertion_types?: readonly string[];
}

/** An Aidbox `Client` resource (core module). Named `AidboxClient` so it does not read as our HTTP client. */
export interface AidboxClient {
  readonly resourceType: 'Client';
  readonly id: string;
  readonly active: boolean;
  /**
   * Left out by the portal: `smart-app` would make Aidbox put `atv`/`scope` into tokens and check them (wildcards
   * expanded to a fixed type list) before the policies (see `clientResource`). Typed so that a stored Client that
   * has one reads as drift.
   */
  readonly type?: string;
  readonly grant_types: readonly string[];
  readonly auth: { readonly client_credentials: ClientCredentialsAuth };
  readonly scope: readonly string[];
  readonly jwks_uri?: string;
  /** Write-only: Aidbox stores it hashed and never returns it. */
  readonly secret?: string;
  readonly meta?: Meta;
}

/** An Aidbox `AccessPolicy` evaluated by the Matcho engine. */
export interface AccessPolicy {
  readonly resourceType: 'AccessPolicy';
  readonly id: string;
  readonly engine: 'matcho';
  readonly link: readonly TypedReference[];
  /** A Matcho pattern over the request (`client`, `params`, `operation`, ...). */
  readonly matcho: MatchoPattern;
  readonly description?: string;
  readonly meta?: Meta;
}

/** A Matcho pattern: plain JSON whose keys are request fields or operators (`$enum`, `$one-of`, `$contains`, ...). */
export type MatchoPattern = { readonly [key: string]: JsonValue };

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

export interface OperationOutcomeIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  readonly code: string;
  readonly diagnostics?: string;
  readonly details?: { readonly text?: string };
  readonly expression?: readonly string[];
}

/** How Aidbox (and FHIR) describes errors. */
export interface OperationOutcome {
  readonly resourceType: 'OperationOutcome';
  readonly id?: string;
  readonly text?: { readonly status: string; readonly div: string };
  readonly issue: readonly OperationOutcomeIssue[];
}

export interface Organization {
  readonly resourceType: 'Organization';
  readonly id: string;
  /** Optional in FHIR R4, so an organization without a name is still listed. */
  readonly name?: string;
  /** The parent organization in the OrgBAC tree. */
  readonly partOf?: Reference;
  readonly meta?: Meta;
}

export interface BundleLink {
  readonly relation: string;
  readonly url: string;
}

export interface BundleEntry<T> {
  readonly fullUrl?: string;
  readonly resource?: T;
  readonly search?: { readonly mode?: string };
}

export interface Bundle<T> {
  readonly resourceType: 'Bundle';
  readonly type: string;
  readonly total?: number;
  readonly link?: readonly BundleLink[];
  readonly entry?: readonly BundleEntry<T>[];
}

/** An RFC 7386 merge patch of `T`: any subset of its fields, `null` removing one. */
export type MergePatch<T> = {
  -readonly [K in keyof T]?:
    | (T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? MergePatch<T[K]> : T[K])
    | null;
};

/** True when `value` looks like an OperationOutcome (so error bodies can be attached to errors). */
export function isOperationOutcome(value: unknown): value is OperationOutcome {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { resourceType?: unknown }).resourceType === 'OperationOutcome' &&
    Array.isArray((value as { issue?: unknown }).issue)
  );
}
