import { type AidboxApi, AidboxError, type Organization } from '@payerbox/aidbox';
import type { Database } from '@payerbox/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { ProblemError } from '../../errors.ts';
import { ancestorsOf, normaliseHierarchy, type OrganizationInput, organizationTree } from './hierarchy.ts';
import { type CachedOrganizations, databaseNow, readOrganizations, replaceOrganizations } from './repository.ts';
import type { OrganizationTree, ServiceOrganization } from './schemas.ts';

/**
 * The organizations of an OrgBAC deployment: read from the production Aidbox, cached in PostgreSQL (shared by every
 * replica), read again in the background once older than the configured age, and on demand by admins.
 */
export interface OrganizationDirectory {
  /** The cached tree. The first read of an empty cache waits for Aidbox (503 `organizations_unavailable`). */
  tree(): Promise<OrganizationTree>;
  /** Reads Aidbox now and replaces the cache (502 `aidbox_unavailable` when it fails; the cache is kept). */
  refresh(): Promise<OrganizationTree>;
  /**
   * The organization `id` with its ancestors. An id the cache does not know makes it read Aidbox once more (an
   * organization created there a moment ago is accepted), then 400 `unknown_organization`.
   */
  require(id: string): Promise<ServiceOrganization>;
  /** Resolves once no refresh of this process is under way (before the database closes). */
  settle(): Promise<void>;
}

export interface DirectoryOptions {
  readonly db: Kysely<Database>;
  /** Where organizations come from: the production Aidbox. */
  readonly source: Pick<AidboxApi, 'listOrganizations'>;
  readonly maxAgeSeconds: number;
  readonly log: FastifyBaseLogger;
}

/** Aidbox failures become `problem`; anything else (the database, a bug) stays what it is, a 500. */
function fromAidbox(error: unknown, problem: (cause: unknown) => ProblemError): unknown {
  return error instanceof AidboxError ? problem(error) : error;
}

const unavailable = (cause: unknown) =>
  new ProblemError({
    status: 503,
    code: 'organizations_unavailable',
    title: 'Organizations unavailable',
    detail: 'The list of organizations could not be read from Aidbox; try again shortly.',
    headers: { 'retry-after': '10' },
    cause,
  });

const aidboxUnavailable = (cause: unknown) =>
  new ProblemError({
    status: 502,
    code: 'aidbox_unavailable',
    title: 'Aidbox did not answer',
    detail: 'The organizations could not be read from the production Aidbox; the list read before is kept.',
    cause,
  });

export const unknownOrganization = (id: string) =>
  new ProblemError({
    status: 400,
    code: 'unknown_organization',
    title: 'Unknown organization',
    detail: `The production Aidbox has no organization "${id}"; choose one from GET /api/v1/organizations.`,
    errors: [{ path: '/body/organizationId', message: 'is not an organization of this deployment' }],
  });

/** The id an Organization's partOf names: `Organization/<id>`, relative or absolute, or nothing usable. */
function parentIdOf(organization: Organization): string | undefined {
  const reference = organization.partOf?.reference;
  if (!reference) return undefined;
  return /(?:^|\/)Organization\/([^/?#]+)(?:\/_history\/[^/?#]+)?$/.exec(reference)?.[1];
}

function treeOf(cached: CachedOrganizations): OrganizationTree {
  return {
    enabled: true,
    organizations: organizationTree(cached.entries),
    refreshedAt: cached.refreshedAt?.toISOString() ?? null,
  };
}

export function createOrganizationDirectory(options: DirectoryOptions): OrganizationDirectory {
  const { db, source, maxAgeSeconds, log } = options;
  // Readers that need a refresh share the one this process already has under way.
  let inFlight: Promise<CachedOrganizations> | undefined;

  async function readAidbox(): Promise<CachedOrganizations> {
    const startedAt = await databaseNow(db);
    const organizations = await source.listOrganizations();
    const entries = normaliseHierarchy(
      organizations.map((o): OrganizationInput => ({ id: o.id, name: o.name, parentId: parentIdOf(o) })),
    );
    const wrote = await replaceOrganizations(db, entries, startedAt);
    // A refresh that started later already stored a set at least as new: that one is the answer.
    return wrote ? { entries, refreshedAt: startedAt, ageSeconds: 0 } : readOrganizations(db);
  }

  function sharedRefresh(): Promise<CachedOrganizations> {
    inFlight ??= readAidbox().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  /** The cache, loaded first when empty; a stale one is served while it is refreshed in the background. */
  async function current(): Promise<{ cached: CachedOrganizations; fresh: boolean }> {
    const cached = await readOrganizations(db);
    if (cached.refreshedAt === null) {
      try {
        return { cached: await sharedRefresh(), fresh: true };
      } catch (error) {
        throw fromAidbox(error, unavailable);
      }
    }
    if (cached.ageSeconds > maxAgeSeconds) {
      sharedRefresh().catch((error: unknown) =>
        log.warn({ err: error }, 'refreshing the organizations failed; the cached list is kept'),
      );
    }
    return { cached, fresh: false };
  }

  return {
    async tree() {
      return treeOf((await current()).cached);
    },

    async refresh() {
      try {
        // Not shared: an admin who just created an organization in Aidbox needs a read that starts now.
        return treeOf(await readAidbox());
      } catch (error) {
        throw fromAidbox(error, aidboxUnavailable);
      }
    },

    async require(id) {
      let { cached, fresh } = await current();
      if (!cached.entries.some((entry) => entry.id === id) && !fresh) {
        try {
          cached = await sharedRefresh();
        } catch (error) {
          throw fromAidbox(error, unavailable);
        }
      }
      const entry = cached.entries.find((candidate) => candidate.id === id);
      if (!entry) throw unknownOrganization(id);
      return { id: entry.id, name: entry.name, ancestors: ancestorsOf(cached.entries, id) };
    },

    async settle() {
      await inFlight?.catch(() => undefined);
    },
  };
}
