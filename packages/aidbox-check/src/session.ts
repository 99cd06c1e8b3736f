/**
 * What the checks share in one run: the target's HTTP APIs as the portal's clients, the server's SMART
 * configuration, throwaway backend-service clients provisioned exactly as the provisioner provisions them (through
 * `@payerbox/aidbox`'s mapping and client, as `portal-provisioner`), the key set those clients sign with, and the
 * clean-up of everything a run created.
 */
import { randomBytes } from 'node:crypto';
import {
  type AidboxApi,
  accessPolicyId,
  accessPolicyResource,
  clientResource,
  createAidboxClient,
  type ServiceSpec,
} from '@payerbox/aidbox';
import type { ScopeVersion } from '@payerbox/domain';
import {
  type AssertionAlg,
  type AssertionOptions,
  clientAssertion,
  type FhirAnswer,
  fhirRequest,
  hostKeySet,
  type KeySetHost,
  newSigningKey,
  type SigningKey,
  type TokenResult,
  tokenWithAssertion,
  tokenWithSecret,
} from './smart-client.ts';
import type { CheckTarget, Credential } from './target.ts';

/** An answer of Aidbox's own REST API. */
export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface ServiceClientSpec {
  readonly scopes: readonly string[];
  readonly scopeVersion?: ScopeVersion;
  readonly authMethod?: 'client_secret' | 'jwks_uri';
  readonly organizationId?: string | null;
}

/** A throwaway backend-service client, as the portal provisions one. */
export interface ServiceClient {
  readonly clientId: string;
  readonly spec: ServiceSpec;
  /** A token with the client secret (client_secret clients). */
  tokenWithSecret(scope?: string): Promise<TokenResult>;
  /** A token with a `private_key_jwt` assertion (jwks_uri clients). */
  tokenWithKey(
    alg: AssertionAlg,
    options?: AssertionOptions & { scope?: string; key?: SigningKey },
  ): Promise<TokenResult>;
  /** An access token, or an error saying why none was issued. */
  accessToken(scope?: string): Promise<string>;
}

/** How a run behaves beyond its target. */
export interface RunOptions {
  /** Run the checks that wait minutes (the key set cache): off by default. */
  readonly slow?: boolean;
  /** How long the key set cache check waits for a new key at most; default 330 s (Aidbox's 5 minutes, and some). */
  readonly keyCacheMaxWaitMs?: number;
  /** How often it tries the new key meanwhile; default 15 s. */
  readonly keyCachePollMs?: number;
  /** How long the bulk export check polls one export at most; default 5 minutes. */
  readonly bulkExportMaxWaitMs?: number;
}

export interface KeySetOptions {
  /** Where the check listens for Aidbox's key set fetches (`host:port`; default loopback, any free port). */
  readonly listen?: { host: string; port: number };
  /** The URL Aidbox fetches the key set at, when it is not the listening address. */
  readonly publicUrl?: string;
}

const TIMEOUT_MS = 15_000;

/** A portal-form client id (`bs-` + 32 hex digits): the only ids the provisioning client may write. */
export function throwawayClientId(): string {
  return `bs-${randomBytes(16).toString('hex')}`;
}

export class CheckSession {
  readonly target: CheckTarget;
  /** The Aidbox API as the provisioning client, with the portal's own retries. */
  readonly provisionerApi: AidboxApi;
  readonly fhirBase: string;
  /** Where tokens are requested (this machine's view of Aidbox). */
  readonly tokenUrl: string;
  readonly options: RunOptions;
  readonly #keySetOptions: KeySetOptions;
  readonly #cleanups: (() => Promise<unknown>)[] = [];
  #smartConfiguration: Promise<Record<string, unknown> | undefined> | undefined;
  #keys: Promise<{ host: KeySetHost; keys: Record<AssertionAlg, SigningKey> }> | undefined;

  constructor(target: CheckTarget, keySetOptions: KeySetOptions = {}, options: RunOptions = {}) {
    this.target = target;
    this.options = options;
    const base = target.url.replace(/\/+$/, '');
    this.provisionerApi = createAidboxClient({
      baseUrl: base,
      clientId: target.provisioner.clientId,
      clientSecret: target.provisioner.clientSecret,
      timeoutMs: TIMEOUT_MS,
    });
    this.fhirBase = `${base}/fhir`;
    this.tokenUrl = `${base}/auth/token`;
    this.#keySetOptions = keySetOptions;
  }

  /** One request to Aidbox's REST API (`/Client`, `/AccessPolicy`, `/Organization`, …) with HTTP Basic, no retries. */
  async rest(
    as: Credential | 'anonymous',
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<RestAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (as !== 'anonymous') {
      headers.authorization = `Basic ${Buffer.from(`${as.clientId}:${as.clientSecret}`).toString('base64')}`;
    }
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.target.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  /** The server's SMART configuration at its root, where Aidbox documents it; undefined when it cannot be read. */
  smartConfiguration(): Promise<Record<string, unknown> | undefined> {
    this.#smartConfiguration ??= this.rest('anonymous', 'GET', '/.well-known/smart-configuration').then((answer) =>
      answer.status === 200 && answer.body !== null && typeof answer.body === 'object'
        ? (answer.body as Record<string, unknown>)
        : undefined,
    );
    return this.#smartConfiguration;
  }

  /** The `aud` an assertion must name: the configuration's token endpoint (the public URL), else ours. */
  async assertionAudience(): Promise<string> {
    const endpoint = (await this.smartConfiguration())?.token_endpoint;
    return typeof endpoint === 'string' ? endpoint : this.tokenUrl;
  }

  /** The key set throwaway JWKS clients use: one RS384 and one ES384 key, served by this process. */
  keySet(): Promise<{ host: KeySetHost; keys: Record<AssertionAlg, SigningKey> }> {
    // One key set for every JWKS client of a run; the key cache check adds a key to it.
    this.#keys ??= (async () => {
      const keys = { RS384: await newSigningKey('RS384'), ES384: await newSigningKey('ES384') };
      const host = await hostKeySet({
        ...this.#keySetOptions.listen,
        ...(this.#keySetOptions.publicUrl !== undefined && { publicUrl: this.#keySetOptions.publicUrl }),
      });
      host.publish([keys.RS384, keys.ES384]);
      this.#cleanups.push(() => host.close());
      return { host, keys };
    })();
    return this.#keys;
  }

  /** Registers something to undo when the run ends (last in, first undone). */
  onCleanup(undo: () => Promise<unknown>): void {
    this.#cleanups.push(undo);
  }

  /**
   * Provisions a throwaway client as the provisioner would for a service with `spec`: its Client and its
   * AccessPolicy, through the portal's mapping and Aidbox client, as `portal-provisioner`. Removed at clean-up.
   */
  async serviceClient(spec: ServiceClientSpec): Promise<ServiceClient> {
    const authMethod = spec.authMethod ?? 'client_secret';
    const clientId = throwawayClientId();
    const jwksUri = authMethod === 'jwks_uri' ? (await this.keySet()).host.url : null;
    const service: ServiceSpec = {
      clientId,
      authMethod,
      jwksUri,
      scopeVersion: spec.scopeVersion ?? 'v2',
      scopes: [...spec.scopes],
      organizationId: spec.organizationId ?? null,
    };
    const secret = authMethod === 'client_secret' ? `aidbox-check-${randomBytes(24).toString('base64url')}` : undefined;
    this.onCleanup(() => this.provisionerApi.deleteClient(clientId));
    await this.provisionerApi.putClient(clientResource(service, { active: true, ...(secret && { secret }) }));
    this.onCleanup(() => this.provisionerApi.deleteAccessPolicy(accessPolicyId(clientId)));
    await this.provisionerApi.putAccessPolicy(accessPolicyResource(service));
    const session = this;
    const client: ServiceClient = {
      clientId,
      spec: service,
      tokenWithSecret: (scope) => {
        if (!secret) throw new Error('a jwks_uri client has no secret');
        return tokenWithSecret(session.tokenUrl, clientId, secret, scope);
      },
      async tokenWithKey(alg, options = {}) {
        const { keys } = await session.keySet();
        const key = options.key ?? keys[alg];
        const audience = options.audience ?? (await session.assertionAudience());
        const assertion = await clientAssertion(clientId, audience, key, { ...options, audience });
        return tokenWithAssertion(session.tokenUrl, assertion, options.scope);
      },
      async accessToken(scope) {
        const answer =
          authMethod === 'client_secret' ? await client.tokenWithSecret(scope) : await client.tokenWithKey('RS384');
        if (answer.status !== 200 || typeof answer.body.access_token !== 'string') {
          throw new Error(`no token for ${clientId}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        return answer.body.access_token;
      },
    };
    return client;
  }

  /** A FHIR request on the root base (`path` after `/fhir`, e.g. `/Patient?_count=1`). */
  fhir(path: string, accessToken: string, init?: Parameters<typeof fhirRequest>[2]): Promise<FhirAnswer> {
    return fhirRequest(`${this.fhirBase}${path}`, accessToken, init);
  }

  /** A FHIR request at an absolute path of the server (e.g. an organization base). */
  server(path: string, accessToken: string, init?: Parameters<typeof fhirRequest>[2]): Promise<FhirAnswer> {
    return fhirRequest(`${this.target.url.replace(/\/+$/, '')}${path}`, accessToken, init);
  }

  /** Undoes everything the run created; answers what could not be undone. */
  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    for (const undo of this.#cleanups.reverse()) {
      try {
        await undo();
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    this.#cleanups.length = 0;
    return failures;
  }
}
