/** The emulator's public types; see `startAidboxEmulator`. */

import type { UnverifiedOperationIds } from './access-policies.ts';
import type { AssertionAlgorithm } from './client-assertion.ts';
import type { ExportHold } from './export-jobs.ts';
import type { OrgbacWrite } from './orgbac.ts';
import type { HoldOptions, RequestHold } from './request-holds.ts';

export type { AssertionAlgorithm } from './client-assertion.ts';

/** Failures the emulator injects, for testing how callers cope with an unreliable Aidbox. */
export interface FaultOptions {
  /** Probability (0..1) of answering 503 with an OperationOutcome (code `transient`) without doing anything. */
  errorRate?: number;
  /** Milliseconds added before every answer. */
  latencyMs?: number;
  /** Probability (0..1) of destroying the connection without answering, and without doing anything. */
  dropRate?: number;
  /**
   * Probability (0..1) of answering a PUT or DELETE with a write conflict (an OperationOutcome, code `conflict`)
   * without doing anything, as Aidbox answers concurrent writes under its default serializable isolation: 412
   * (`docs/api/rest-api/crud/update.md`) or 409 (`docs/tutorials/other-tutorials/how-to-load-large-fhir-bundles-via-nginx.md`).
   */
  writeConflictRate?: number;
  /** The status of a write conflict; default 409 or 412 at random. */
  writeConflictStatus?: 409 | 412;
}

export interface EmulatorOptions {
  /** Interface to listen on; default `127.0.0.1`, never anything wider unless asked. */
  host?: string;
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /**
   * The public base URL the emulator believes it is reached at: token `iss` and `aud`, the token URL an assertion's
   * `aud` must name, and every URL in the SMART configuration. Default `http://127.0.0.1:<port>`.
   */
  baseUrl?: string;
  /**
   * Aidbox's superuser, the `root` client of `BOX_ROOT_CLIENT_SECRET`: HTTP Basic with it passes every check without
   * any AccessPolicy. The operator's credential (and the tests' when they play the operator); the portal uses the
   * least-privilege clients of the init bundle instead. Its id must not be a Client of the init bundle.
   */
  adminClient: { id: string; secret: string };
  /**
   * The init bundle to apply at start, as `BOX_INIT_BUNDLE` makes Aidbox do: for the portal's own clients and policies,
   * one of the repository's templates (`portalInitBundle` in `./portal-aidbox`). None by default.
   */
  initBundle?: InitBundleOptions;
  /**
   * Load the sample payer data (organizations, patients, coverage, claims, observations); default true. Development
   * data of the emulator's own, loaded after the init bundle (and over the sandbox bundle's copy of it), and also
   * where the bundle has none (production's seeds no demo data into a real Aidbox).
   */
  seed?: boolean;
  /**
   * Organization-based access control (OrgBAC), as `BOX_SECURITY_ORGBAC_ENABLED=true` turns it on: organization FHIR
   * bases `/Organization/<id>/fhir`, and sample data bound to its organizations. Default false, as in Aidbox; a
   * developer sandbox runs without it.
   */
  orgbac?: boolean;
  /**
   * The operation ids policies see for writes on an organization base, which Aidbox does not document (see
   * `orgbacOperations`). Default: names no policy would guess. Set them to what an operator check of a real Aidbox
   * recorded to reproduce it.
   */
  orgbacWriteOperations?: Partial<Record<OrgbacWrite, string>>;
  /** Faults applied to every request except `GET /health`; default none. */
  faults?: FaultOptions;
  /** A name for logs and the health answer, e.g. `sandbox` or `production`. */
  name?: string;
  /**
   * The resource types a `system/*.<permissions>` scope of a `type: smart-app` client is expanded to in its tokens;
   * default the 19 types Aidbox's docs list (`DOCUMENTED_WILDCARD_EXPANSION`: no Coverage, ExplanationOfBenefit or
   * Claim). For running the emulator like an Aidbox observed to expand differently.
   */
  smartWildcardTypes?: readonly string[];
  /**
   * The operation ids AccessPolicies see for the root-base interactions whose ids Aidbox's docs leave open (delete,
   * vread, instance and type history, batch); default ids no policy would guess (`DEFAULT_UNVERIFIED_OPERATION_IDS`).
   * Set them to the ids an operator observed on a real Aidbox (`?__debug=policy`) to run the emulator like it.
   */
  unverifiedOperationIds?: Partial<UnverifiedOperationIds>;
  /**
   * The algorithms `/.well-known/smart-configuration` advertises in `token_endpoint_auth_signing_alg_values_supported`
   * and the token endpoint accepts for `private_key_jwt` assertions (any other is `invalid_client`). Default
   * `['RS384', 'ES384']` (Payerbox's docs); `['RS384']` behaves as documented Aidbox.
   */
  assertionAlgorithms?: readonly AssertionAlgorithm[];
  /**
   * Bulk export: how many export jobs may run at once; a kick-off beyond answers 429 with `Retry-After`. Default 1:
   * "Export operations run one at a time ... the server returns a `429 Too Many Requests`" (aidbox-docs
   * `docs/api/bulk-api/export.md`).
   */
  maxConcurrentExports?: number;
  /**
   * Bulk export: the manifests' `requiresAccessToken`, and whether a file download then needs the Bearer token of the
   * (still active) client that started the export. Default true, as Payerbox's manifests say (payerbox-docs
   * `docs/api-reference/operations/davinci-data-export.md`); Aidbox's examples say false (`export.md`).
   */
  exportRequiresAccessToken?: boolean;
  /**
   * Bulk export: how long a finished job's status, files and signed URLs live after it ended; default one hour.
   * Expired jobs answer 404 and their files are deleted.
   */
  exportRetentionMs?: number;
  /** Bulk export: the `Retry-After` (seconds) of a running job's status and of a 429 kick-off; default 1. */
  exportRetryAfterSeconds?: number;
  /**
   * Bulk export: the clock (epoch milliseconds, default `Date.now`) of `transactionTime`, job expiry and signed URL
   * expiry; tests move it forward instead of waiting.
   */
  exportClock?: () => number;
  /**
   * Adds this many deterministic synthetic members (ids `synthetic-pt-<n>`), each with a Patient, Coverage, Claim,
   * ExplanationOfBenefit, Encounter and Observation (six resources: 1,667 patients make 10,002), for benchmarks and
   * load tests of bulk export. Default 0. Loaded even when `seed` is false; bound to no organization.
   */
  syntheticPatients?: number;
  /** The cache of clients' key sets (per `jwks_uri`; an unknown `kid` never refreshes it early). */
  jwksCache?: {
    /** How long a fetched key set is used; default 5 minutes, as Aidbox documents. */
    ttlMs?: number;
    /** The cache's clock in milliseconds (default `Date.now`): tests move it forward instead of waiting. */
    now?: () => number;
  };
}

/** An init bundle file (JSON, `${NAME}` placeholders) and the values of its placeholders. */
export interface InitBundleOptions {
  readonly path: string;
  /** Put in as is, as `envsubst` does; a placeholder without a (non-empty) value stops the start. */
  readonly variables?: Readonly<Record<string, string | undefined>>;
}

/** One answered request, as `requests()` reports it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  status: number;
}

export interface AidboxEmulator {
  /** The base URL it actually listens at, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops listening and closes idle connections. */
  close(): Promise<void>;
  /** Replaces the injected faults, from the next request on. */
  setFaults(faults: FaultOptions): void;
  /**
   * Test control: holds the next `count` requests that match (any but `GET /health`) before they reach a handler,
   * until `release()`; `arrived()` tells when they are all held. Lets a test stop a caller in the middle of an Aidbox
   * call. Requests still held when the emulator closes are dropped unanswered.
   */
  hold(options?: HoldOptions): RequestHold;
  /**
   * Test control: holds the next `count` (default 1) bulk export jobs after their kick-off answered 202 and before
   * they write anything, until `release()`; `arrived()` resolves with their job ids once all are held. Lets a test see
   * a job running (status 202, a 429 for the next kick-off, a cancel) on events instead of timing.
   */
  holdExports(count?: number): ExportHold;
  /** Every request answered so far, oldest first (dropped connections are not answers and are not listed). */
  requests(): RecordedRequest[];
  /**
   * The stored resource as Aidbox would return it to GET (a copy; a Client without its secret), or undefined when
   * there is none.
   */
  resource(type: 'Client' | 'AccessPolicy' | 'Organization' | string, id: string): Record<string, unknown> | undefined;
}
