import { readSmartConfiguration } from '@payerbox/aidbox';
import {
  type AdvertisedAlgorithms,
  DOCUMENTED_AIDBOX_SIGNING_ALGORITHMS,
  ENVIRONMENTS,
  type Environment,
} from '@payerbox/domain';

/** Where what an environment advertises comes from: its SMART configuration, or the documented default. */
export const AIDBOX_ENVIRONMENT_SOURCES = ['smart-configuration', 'assumed'] as const;
export type AidboxEnvironmentSource = (typeof AIDBOX_ENVIRONMENT_SOURCES)[number];

/** What one Aidbox environment advertises to SMART Backend Services clients (the API's `AidboxEnvironment`). */
export interface AidboxEnvironment {
  /** `token_endpoint_auth_signing_alg_values_supported` of its SMART configuration. */
  readonly tokenEndpointAuthSigningAlgs: string[];
  readonly source: AidboxEnvironmentSource;
  /** ISO 8601: when the SMART configuration was last read; null when never. */
  readonly readAt: string | null;
}
export type AidboxEnvironments = Readonly<Record<Environment, AidboxEnvironment>>;

/** Where a failed read is reported (a Fastify or pino logger). */
export interface WarningLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * What each Aidbox environment advertises in its SMART configuration (`GET <aidbox>/.well-known/smart-configuration`,
 * the location Aidbox documents), cached in this process. The first read starts with the process and runs in the
 * background; a request that needs the answer before that read ended waits for it (bounded by its timeout); after
 * that, requests are answered from the cache while a read older than the maximum age is repeated in the background.
 *
 * Until an environment has been read, the portal assumes what documented Aidbox advertises, RS384 only
 * (`HealthSamurai/aidbox-docs` `.../smart-client-authentication/smart-asymmetric-docs-private-key-jwt-authentication.md`,
 * `alg` "Fixed value - `RS384`"): the fail-safe side, since an RS384 key works wherever RS384 is advertised while an
 * ES384 key may not. A failed later read keeps what was read before. Per process rather than in PostgreSQL (as the
 * organizations are): the document is tiny and each replica reading it once per age costs Aidbox nothing.
 */
export interface AidboxEnvironmentDirectory {
  /** What each environment advertises, with where that comes from. Never throws. */
  environments(): Promise<AidboxEnvironments>;
  /** Just the algorithms, for the JWKS checks. */
  advertisedAlgorithms(): Promise<AdvertisedAlgorithms>;
  /** Resolves once no read of this process is under way (before the app closes). */
  settle(): Promise<void>;
}

export interface DirectoryOptions {
  /** Where this service reaches each Aidbox (the SMART configuration is read at its root). */
  readonly urls: Readonly<Record<Environment, string>>;
  readonly maxAgeSeconds: number;
  readonly log: WarningLog;
  /** Per read; default 5 s. */
  readonly timeoutMs?: number;
}

/** A failed read is tried again after this long at most, so that an Aidbox that was down is read soon after. */
const RETRY_AFTER_FAILURE_MS = 30_000;

interface Known {
  readonly environment: AidboxEnvironment;
  /** `performance.now()` of the last attempt, successful or not. */
  readonly attemptedAt: number;
}

function assumed(): AidboxEnvironment {
  return { tokenEndpointAuthSigningAlgs: [...DOCUMENTED_AIDBOX_SIGNING_ALGORITHMS], source: 'assumed', readAt: null };
}

/** Reads and caches one environment's SMART configuration. */
function environmentReader(name: Environment, url: string, options: DirectoryOptions) {
  const maxAgeMs = options.maxAgeSeconds * 1000;
  let known: Known | undefined;
  let inFlight: Promise<Known> | undefined;

  async function read(): Promise<Known> {
    try {
      const configuration = await readSmartConfiguration(url, { timeoutMs: options.timeoutMs ?? 5_000 });
      const algorithms = configuration.tokenEndpointAuthSigningAlgValuesSupported;
      const readAt = new Date().toISOString();
      // A configuration that lists no algorithm says nothing either way: the documented default stands.
      const environment: AidboxEnvironment =
        algorithms.length > 0
          ? { tokenEndpointAuthSigningAlgs: [...algorithms], source: 'smart-configuration', readAt }
          : { ...assumed(), readAt };
      return { environment, attemptedAt: performance.now() };
    } catch (error) {
      const kept = known?.environment.source === 'smart-configuration' ? known.environment : assumed();
      options.log.warn(
        { err: error, environment: name, assumed: kept.tokenEndpointAuthSigningAlgs },
        `reading the ${name} SMART configuration failed; using ${kept.source === 'assumed' ? 'the documented default' : 'what was read before'}`,
      );
      return { environment: kept, attemptedAt: performance.now() };
    }
  }

  function refresh(): Promise<Known> {
    inFlight ??= read()
      .then((result) => {
        known = result;
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    refresh,
    async current(): Promise<AidboxEnvironment> {
      if (!known) return (await refresh()).environment;
      const age = performance.now() - known.attemptedAt;
      const limit = known.environment.source === 'assumed' ? Math.min(maxAgeMs, RETRY_AFTER_FAILURE_MS) : maxAgeMs;
      // Served from the cache; read errors are logged and never reach the caller.
      if (age >= limit) void refresh();
      return known.environment;
    },
    settle: async () => {
      await inFlight;
    },
  };
}

export function createAidboxEnvironmentDirectory(options: DirectoryOptions): AidboxEnvironmentDirectory {
  const readers = {
    sandbox: environmentReader('sandbox', options.urls.sandbox, options),
    production: environmentReader('production', options.urls.production, options),
  } satisfies Record<Environment, unknown>;
  // Started now, so that the first request rarely has to wait.
  for (const name of ENVIRONMENTS) void readers[name].refresh();

  async function environments(): Promise<AidboxEnvironments> {
    const [sandbox, production] = await Promise.all([readers.sandbox.current(), readers.production.current()]);
    return { sandbox, production };
  }

  return {
    environments,
    async advertisedAlgorithms() {
      const { sandbox, production } = await environments();
      return { sandbox: sandbox.tokenEndpointAuthSigningAlgs, production: production.tokenEndpointAuthSigningAlgs };
    },
    async settle() {
      await Promise.all(ENVIRONMENTS.map((name) => readers[name].settle()));
    },
  };
}
