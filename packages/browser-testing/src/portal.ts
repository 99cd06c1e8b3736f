import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type DevAccount, type DevIdentityProvider, startDevIdentityProvider } from '@payerbox/dev-identity-provider';
import { freePort } from '@payerbox/dev-stack/embedded-postgres';
import {
  type LocalStack,
  type LocalStackOptions,
  type StackUser,
  startLocalStack,
} from '@payerbox/dev-stack/local-stack';
import { ensureSpaBuilt, type SpaName } from '@payerbox/dev-stack/spa-build';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { closeBrowser, launchChromium } from './browser.ts';

/** A person who can sign in to the portal: a user in its database and an account at its identity provider. */
export interface PortalAccount {
  /** The portal's user id (the same before and after the first sign-in). */
  readonly id: string;
  /** Random, e.g. `dana-1a2b3c4d@example.com`; the sign-in name at the identity provider. */
  readonly email: string;
  /** Random; the password of the identity provider's login form. */
  readonly password: string;
  readonly name: string;
  readonly role: 'developer' | 'admin';
  /**
   * A JSON request to `/api/v1<path>` as this account, for arranging data a test then looks at in the browser. The
   * first call gives the account a personal access token (named `e2e`); until then it has none.
   */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Context settings a test may change for one page; the rest stay the harness's. */
export type PageOptions = Pick<BrowserContextOptions, 'viewport' | 'colorScheme' | 'locale' | 'timezoneId'>;

/** The portal on loopback with its SPAs and identity provider, and a browser to drive them. */
export interface BrowserPortal {
  /**
   * The portal's origin, `http://127.0.0.1:<port>`: the registration API, which also serves the SPAs (the developer
   * SPA at `/`, the admin SPA at `/admin/`).
   */
  readonly url: string;
  /** The development identity provider's issuer (its login form lives there). */
  readonly issuer: string;
  /**
   * The stack behind the portal: the Aidbox emulators, `waitForEnvironment`, and a Bearer-token `developer` and
   * `admin` who are other users than {@link BrowserPortal.accounts}.
   */
  readonly stack: LocalStack;
  /** Two developers and an administrator, each with a random e-mail address and password. */
  readonly accounts: {
    readonly developer: PortalAccount;
    readonly developer2: PortalAccount;
    readonly admin: PortalAccount;
  };
  /**
   * A page in a fresh browser context (its own cookies and storage): viewport 1280×900, locale `en-US`, time zone
   * UTC, and a default timeout of 15 s for actions, waits and navigations. Closing the page closes its context.
   */
  newPage(options?: PageOptions): Promise<Page>;
  /** Closes the browser, the stack (worker, API, emulators, database) and the identity provider. Safe to call twice. */
  close(): Promise<void>;
}

export interface BrowserPortalOptions {
  /** Built SPA folders (each holding an `index.html`; relative ones are resolved); an SPA left out is not served. */
  readonly appDirs: { readonly developer?: string; readonly admin?: string };
  /** Whether a provisioner worker runs, so environments become `ready` in the emulators; default true. */
  readonly provisioner?: boolean;
  /** Further registration configuration, e.g. `{ SESSION_IDLE_MINUTES: '1' }`. */
  readonly config?: Readonly<Record<string, string>>;
  /** PostgreSQL server the portal's throwaway database is made on; default `DATABASE_URL` (set by `pnpm test`). */
  readonly databaseUrl?: string;
  /** A multi-organization deployment (OrgBAC on, organizations read from the production emulator). */
  readonly orgbac?: boolean;
  /** The client assertion algorithms each emulator advertises (both RS384 and ES384 unless given). */
  readonly assertionAlgorithms?: LocalStackOptions['assertionAlgorithms'];
  /**
   * Keep Chromium's back/forward cache on, as in a person's browser (Playwright turns it off): for tests of what Back
   * shows. Default false.
   */
  readonly backForwardCache?: boolean;
}

const PAGE_TIMEOUT_MS = 15_000;
const CLIENT_ID = 'backend-services-portal';
const START_ATTEMPTS = 3;

const ACCOUNT_PROFILES = {
  developer: { name: 'Dana Developer', local: 'dana', role: 'developer' },
  developer2: { name: 'Devon Second', local: 'devon', role: 'developer' },
  admin: { name: 'Ada Admin', local: 'ada', role: 'admin' },
} as const;

type AccountKey = keyof typeof ACCOUNT_PROFILES;

function devAccounts(): Record<AccountKey, DevAccount> {
  const id = randomBytes(4).toString('hex');
  const account = (key: AccountKey): DevAccount => {
    const profile = ACCOUNT_PROFILES[key];
    return {
      sub: `${key}-${id}`,
      email: `${profile.local}-${id}@example.com`,
      name: profile.name,
      password: randomBytes(12).toString('base64url'),
      // The portal makes a user an administrator when the roles claim holds `admin` (OIDC_ADMIN_ROLE's default).
      roles: profile.role === 'admin' ? ['admin'] : [],
    };
  };
  return { developer: account('developer'), developer2: account('developer2'), admin: account('admin') };
}

function isAddressInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

/**
 * The identity provider first, then the stack whose configuration names it. The portal's port is picked before either
 * starts, because the provider must know the redirect URIs; another process may take that port in between, in which
 * case the caller tries again.
 */
async function startServers(
  databaseUrl: string,
  accounts: Record<AccountKey, DevAccount>,
  options: BrowserPortalOptions,
): Promise<{ url: string; idp: DevIdentityProvider; stack: LocalStack }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const client = { clientId: CLIENT_ID, clientSecret: randomBytes(24).toString('base64url') };
  const audience = `${url}/api`;
  const idp = await startDevIdentityProvider({
    issuer: 'http://127.0.0.1',
    port: 0,
    accounts: Object.values(accounts),
    clients: [
      {
        ...client,
        redirectUris: [`${url}/api/auth/callback`],
        postLogoutRedirectUris: [`${url}/`, `${url}/admin/`],
      },
    ],
    accessTokenAudience: audience,
  });
  try {
    const stack = await startLocalStack(
      databaseUrl,
      {},
      {
        port,
        ...(options.orgbac && { orgbac: true }),
        ...(options.assertionAlgorithms && { assertionAlgorithms: options.assertionAlgorithms }),
        config: {
          PUBLIC_URL: url,
          OIDC_ISSUER_URL: idp.issuer,
          OIDC_CLIENT_ID: client.clientId,
          OIDC_CLIENT_SECRET: client.clientSecret,
          OIDC_AUDIENCE: audience,
          // Backend services registered in browser tests point at key sets served on loopback (startJwksServer).
          ALLOW_LOOPBACK_JWKS: 'true',
          // The API wants absolute folders; the caller's may be relative to the working directory.
          ...(options.appDirs.developer !== undefined && { DEVELOPER_APP_DIR: resolve(options.appDirs.developer) }),
          ...(options.appDirs.admin !== undefined && { ADMIN_APP_DIR: resolve(options.appDirs.admin) }),
          ...options.config,
        },
      },
    );
    return { url, idp, stack };
  } catch (error) {
    await idp.close().catch(() => {});
    throw error;
  }
}

function portalAccount(stack: LocalStack, user: { id: string }, account: DevAccount, key: AccountKey): PortalAccount {
  const { role } = ACCOUNT_PROFILES[key];
  let tokenUser: Promise<StackUser> | undefined;
  return {
    id: user.id,
    email: account.email,
    password: account.password,
    name: account.name,
    role,
    api(method, path, body) {
      // Upserting by the same e-mail keeps the user (and any identity a sign-in linked to it) and adds a token.
      tokenUser ??= stack.createUser(role, { email: account.email, name: account.name }).catch((error: unknown) => {
        tokenUser = undefined;
        throw error;
      });
      return tokenUser.then((stackUser) => stackUser.api(method, path, body));
    },
  };
}

/**
 * Starts the portal for browser tests, everything on 127.0.0.1: a throwaway database with two Aidbox emulators and
 * the registration API (from `@payerbox/dev-stack`'s local stack) serving the given SPA folders, sign-in through a
 * development identity provider of its own, three accounts, a provisioner worker unless `provisioner: false`, and
 * (at the first {@link BrowserPortal.newPage}) one headless Chromium.
 *
 * Each account is a user in the portal's database with its role (and no token) and an identity provider account with
 * the same e-mail address, name and role claim; the provider says the address is verified, so the first sign-in links
 * the identity to that user instead of creating another.
 */
export async function startBrowserPortal(options: BrowserPortalOptions): Promise<BrowserPortal> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: run browser tests with `pnpm test`');
  const identities = devAccounts();

  let servers: Awaited<ReturnType<typeof startServers>> | undefined;
  for (let attempt = 1; servers === undefined; attempt++) {
    try {
      servers = await startServers(databaseUrl, identities, options);
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !isAddressInUse(error)) throw error;
    }
  }
  const { url, idp, stack } = servers;

  let browser: Promise<Browser> | undefined;
  let closing: Promise<void> | undefined;

  async function shutDown(): Promise<void> {
    const failures: unknown[] = [];
    const launched = browser;
    browser = undefined;
    if (launched !== undefined) {
      await launched.then(closeBrowser, () => {}).catch((error: unknown) => failures.push(error));
    }
    await stack.close().catch((error: unknown) => failures.push(error));
    await idp.close().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  try {
    const users = await Promise.all(
      (Object.keys(ACCOUNT_PROFILES) as AccountKey[]).map(async (key) => {
        const identity = identities[key];
        const user = await stack.upsertUser(ACCOUNT_PROFILES[key].role, {
          email: identity.email,
          name: identity.name,
        });
        return [key, portalAccount(stack, user, identity, key)] as const;
      }),
    );
    const accounts = Object.fromEntries(users) as Record<AccountKey, PortalAccount>;
    if (options.provisioner ?? true) await stack.startWorker();

    return {
      url,
      issuer: idp.issuer,
      stack,
      accounts,
      async newPage(pageOptions = {}) {
        if (closing !== undefined) throw new Error('the browser portal is closed');
        browser ??= launchChromium({ backForwardCache: options.backForwardCache ?? false });
        const context = await (await browser).newContext({
          viewport: { width: 1280, height: 900 },
          locale: 'en-US',
          timezoneId: 'UTC',
          ...pageOptions,
        });
        context.setDefaultTimeout(PAGE_TIMEOUT_MS);
        context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
        const page = await context.newPage();
        page.once('close', () => void context.close().catch(() => {}));
        return page;
      },
      close() {
        closing ??= shutDown();
        return closing;
      },
    };
  } catch (error) {
    await shutDown().catch(() => {});
    throw error;
  }
}

/** The hooks of a tap test this harness needs (kept structural so the package does not depend on tap). */
export interface TestHooks {
  before(fn: () => Promise<void>): void;
  teardown(fn: () => Promise<void>): void;
}

/**
 * A portal for a whole test file: before the tests it builds the named SPAs if stale and starts the portal serving
 * them; after them it closes it. The returned function gives the running portal.
 */
export function portalForTests(
  t: TestHooks,
  options: { readonly apps: readonly SpaName[] } & Omit<BrowserPortalOptions, 'appDirs'>,
): () => BrowserPortal {
  let portal: BrowserPortal | undefined;
  t.before(async () => {
    const appDirs: { developer?: string; admin?: string } = {};
    for (const app of options.apps) {
      const dir = await ensureSpaBuilt(app);
      if (!dir) throw new Error(`apps/${app} is missing`);
      appDirs[app] = dir;
    }
    portal = await startBrowserPortal({ ...options, appDirs });
  });
  t.teardown(async () => {
    await portal?.close();
  });
  return () => {
    if (!portal) throw new Error('the portal is not running (used outside the tests?)');
    return portal;
  };
}
