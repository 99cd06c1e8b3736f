import type { FhirInteraction, UnverifiedOperationIds } from './access-policies.ts';
import type { TokenSigner } from './access-tokens.ts';
import type { ClientAssertionVerifier } from './client-assertion.ts';
import type { ExportJobs } from './export-jobs.ts';
import type { ExportStorage } from './export-storage.ts';
import type { Faults } from './faults.ts';
import type { RecordedRequest } from './options.ts';
import type { RequestHolds } from './request-holds.ts';
import type { ResourceStore } from './resource-store.ts';

/** What the routes of one emulator share. */
export interface EmulatorContext {
  readonly name: string;
  readonly store: ResourceStore;
  readonly signer: TokenSigner;
  readonly assertions: ClientAssertionVerifier;
  readonly adminClient: { readonly id: string; readonly secret: string };
  /** OrgBAC when it is on, with the operation ids of an organization base's interactions; null when it is off. */
  readonly orgbac: { readonly operations: Readonly<Record<FhirInteraction, string>> } | null;
  /** The public base URL, without a trailing slash; known once the server listens (the port may be random). */
  baseUrl: string;
  faults: Faults;
  /** Requests tests have asked to hold (see `hold`); checked before the faults. */
  readonly holds: RequestHolds;
  readonly recorded: RecordedRequest[];
  /** What `system/*.<permissions>` expands to in the tokens of a smart-app client (`smart-scopes.ts`). */
  readonly smartWildcardTypes: readonly string[];
  /** The operation ids of the root-base interactions the docs do not name (`access-policies.ts`). */
  readonly operationIds: UnverifiedOperationIds;
  /** Bulk export: its jobs, its file store and its settings (`export-routes.ts`). */
  readonly exports: {
    readonly jobs: ExportJobs;
    readonly storage: ExportStorage;
    /** The manifests' `requiresAccessToken`, and whether downloads check the owner's token. */
    readonly requiresAccessToken: boolean;
    /** `Retry-After` (seconds) of a running job's status. */
    readonly retryAfterSeconds: number;
    readonly now: () => number;
  };
}

export function tokenUrl(context: EmulatorContext): string {
  return `${context.baseUrl}/auth/token`;
}
