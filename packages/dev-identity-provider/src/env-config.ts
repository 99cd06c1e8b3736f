/**
 * Configuration of the provider process from `DEV_IDP_*` environment variables. Every bad variable is reported at
 * once, and secrets are never echoed.
 */
import { readFile } from 'node:fs/promises';
import type { DevAccount, DevIdentityProviderOptions } from './options.ts';

export class DevIdpConfigError extends Error {
  override name = 'DevIdpConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid dev identity provider configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Reads the demo accounts of the portal's development mode from `.data/dev-credentials.json` (written by the start
 * command: `{ "<key>": { email, password, name, role, ... } }`); `sub` is the e-mail's local part, and the `admin`
 * role becomes the `admin` entry of the roles claim. The file's `aidbox` entry holds the portal's own Aidbox
 * credentials, not an account, and is skipped.
 */
const NOT_AN_ACCOUNT = 'aidbox';

export function accountsFromCredentials(json: unknown, problems: string[], source: string): DevAccount[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.push(`${source}: must hold a JSON object`);
    return [];
  }
  const accounts: DevAccount[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === NOT_AN_ACCOUNT) continue;
    const entry = (value ?? {}) as { email?: unknown; password?: unknown; name?: unknown; role?: unknown };
    const { email, password, name, role } = entry;
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email) || typeof password !== 'string' || !password) {
      problems.push(`${source}: "${key}" must have an e-mail address and a password`);
      continue;
    }
    accounts.push({
      sub: email.slice(0, email.indexOf('@')),
      email,
      name: typeof name === 'string' && name ? name : email,
      password,
      roles: role === 'admin' ? ['admin'] : [],
    });
  }
  if (accounts.length === 0 && problems.length === 0) problems.push(`${source}: holds no accounts`);
  return accounts;
}

/** Reads `DEV_IDP_*` variables (and the credentials file they name); throws a DevIdpConfigError listing every problem. */
export async function loadDevIdpConfig(
  env: Readonly<Record<string, string | undefined>>,
): Promise<DevIdentityProviderOptions> {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string) => {
    const value = read(name);
    if (value === undefined) problems.push(`${name}: is required`);
    return value;
  };
  const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
  const urls = (name: string) => {
    const text = required(name);
    const list = (text ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (text !== undefined && list.length === 0) problems.push(`${name}: must list at least one URL`);
    if (list.some((value) => !isHttpUrl(value))) problems.push(`${name}: must be comma-separated http(s) URLs`);
    return list;
  };

  const issuer = required('DEV_IDP_ISSUER');
  if (issuer !== undefined && !(isHttpUrl(issuer) && new URL(issuer).href === `${new URL(issuer).origin}/`)) {
    problems.push('DEV_IDP_ISSUER: must be an http(s) origin such as http://localhost:3001, without path or query');
  }
  const host = read('DEV_IDP_HOST');
  const portText = read('DEV_IDP_PORT');
  const port = portText === undefined ? undefined : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (port !== undefined && !(port <= 65535)) problems.push('DEV_IDP_PORT: must be an integer from 0 to 65535');
  const clientId = required('DEV_IDP_CLIENT_ID');
  const clientSecret = required('DEV_IDP_CLIENT_SECRET');
  const redirectUris = urls('DEV_IDP_REDIRECT_URIS');
  const postLogoutRedirectUris = urls('DEV_IDP_POST_LOGOUT_REDIRECT_URIS');
  const accessTokenAudience = read('DEV_IDP_ACCESS_TOKEN_AUDIENCE');
  if (accessTokenAudience !== undefined && !URL.canParse(accessTokenAudience)) {
    problems.push('DEV_IDP_ACCESS_TOKEN_AUDIENCE: must be an absolute URI (a resource indicator)');
  }

  const credentialsFile = required('DEV_IDP_CREDENTIALS_FILE');
  let accounts: DevAccount[] = [];
  if (credentialsFile !== undefined) {
    const source = `DEV_IDP_CREDENTIALS_FILE (${credentialsFile})`;
    try {
      accounts = accountsFromCredentials(JSON.parse(await readFile(credentialsFile, 'utf8')), problems, source);
    } catch (error) {
      problems.push(`${source}: ${error instanceof SyntaxError ? 'is not JSON' : 'cannot be read'}`);
    }
  }

  if (problems.length > 0 || issuer === undefined || clientId === undefined || clientSecret === undefined) {
    throw new DevIdpConfigError(problems);
  }
  return {
    issuer,
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    accounts,
    clients: [{ clientId, clientSecret, redirectUris, postLogoutRedirectUris }],
    ...(accessTokenAudience !== undefined ? { accessTokenAudience } : {}),
  };
}
