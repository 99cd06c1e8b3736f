import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { buildConfiguration } from './configuration.ts';
import { createInteractionHandler, INTERACTION_PATH } from './interactions.ts';
import type { DevIdentityProvider, DevIdentityProviderOptions } from './options.ts';

/** Listen hosts for which a system-picked port is announced as `http://127.0.0.1:<port>`. */
const LOOPBACK_ISSUER_HOSTS = new Set(['', '0.0.0.0', '::', '127.0.0.1']);

function defaultPort(issuer: URL): number {
  if (issuer.port !== '') return Number(issuer.port);
  return issuer.protocol === 'https:' ? 443 : 80;
}

/** The issuer of a provider whose port the system picked: loopback, or the listen host when it names one. */
function issuerFor(host: string, port: number): string {
  if (LOOPBACK_ISSUER_HOSTS.has(host)) return `http://127.0.0.1:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function checkOptions(options: DevIdentityProviderOptions): URL {
  if (!URL.canParse(options.issuer)) throw new TypeError(`issuer must be a URL, got ${options.issuer}`);
  const issuer = new URL(options.issuer);
  if (!/^https?:$/.test(issuer.protocol) || issuer.pathname !== '/' || issuer.search !== '' || issuer.hash !== '') {
    // The provider serves its endpoints at the root of its own listener; an issuer path would not match them.
    throw new TypeError(`issuer must be an http(s) origin without path, query or fragment, got ${options.issuer}`);
  }
  const audience = options.accessTokenAudience;
  if (audience !== undefined && (!URL.canParse(audience) || audience.includes('#'))) {
    throw new TypeError(
      `accessTokenAudience must be an absolute URI without fragment (an RFC 8707 resource indicator), got ${audience}`,
    );
  }
  const emails = new Set<string>();
  for (const account of options.accounts) {
    const email = account.email.toLowerCase();
    if (emails.has(email)) throw new TypeError(`two accounts use the e-mail address ${account.email}`);
    emails.add(email);
  }
  return issuer;
}

/**
 * Starts a real OpenID Provider (oidc-provider) for development and tests: discovery, the authorization code flow with
 * PKCE S256, RP-initiated logout, a plain HTML login form, and JWT access tokens for `accessTokenAudience`.
 *
 * Listening comes first, so with `port: 0` the provider is built with the issuer `http://127.0.0.1:<port>`; read it
 * from the returned {@link DevIdentityProvider.issuer}. Never use this in production: accounts have plain-text
 * passwords, state lives in memory, and signing keys change at every start.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const requestedIssuer = checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? defaultPort(requestedIssuer);

  let handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { 'retry-after': '1' }).end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const issuer = requestedPort === 0 ? issuerFor(host, port) : requestedIssuer.origin;
  try {
    const provider = new Provider(
      issuer,
      buildConfiguration({
        accounts: options.accounts,
        clients: options.clients,
        rolesClaim: options.rolesClaim ?? 'roles',
        accessTokenAudience: options.accessTokenAudience,
      }),
    );
    provider.on('server_error', (_ctx: unknown, error: unknown) => console.error('dev identity provider:', error));
    const providerCallback = provider.callback();
    const handleInteraction = createInteractionHandler(provider, options.accounts);
    handler = (req, res) => {
      const uid = INTERACTION_PATH.exec(req.url?.split('?')[0] ?? '')?.[1];
      if (uid === undefined) providerCallback(req, res);
      else void handleInteraction(req, res, uid);
    };
  } catch (error) {
    server.close();
    throw error;
  }

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
