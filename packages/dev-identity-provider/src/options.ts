/** A person who can sign in at the development identity provider. */
export interface DevAccount {
  /** Subject identifier: the `sub` claim of every token issued for this account. */
  sub: string;
  /** Sign-in name (compared case-insensitively) and the `email` claim. */
  email: string;
  /** The `name` claim. */
  name: string;
  /** Plain-text password for the login form: development only. */
  password: string;
  /** Values of the roles claim, e.g. `['admin']` or `[]`. */
  roles: string[];
}

export interface DevIdentityProviderOptions {
  /**
   * Issuer identifier, e.g. `http://localhost:3001`: an origin without path, query or fragment. The provider listens
   * on the issuer's port unless `port` is given.
   */
  issuer: string;
  /** Address to listen on; default `'127.0.0.1'` (loopback only). */
  host?: string;
  /**
   * Port to listen on; default: the issuer's port. With `0` the system picks a free port and the issuer becomes
   * `http://127.0.0.1:<port>` (the listen host if it is neither a wildcard nor 127.0.0.1): read it from
   * {@link DevIdentityProvider.issuer}.
   */
  port?: number;
  accounts: DevAccount[];
  /**
   * Confidential clients (relying parties) known from the start; there is no dynamic registration. The secret is
   * accepted with `client_secret_basic` and `client_secret_post` alike.
   */
  clients: { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris: string[] }[];
  /** Claim that carries roles in the ID token and access tokens; default `'roles'`. */
  rolesClaim?: string;
  /**
   * Audience (resource indicator, RFC 8707) for which JWT access tokens are issued, for partner tooling; default
   * none. It must be an absolute URI (e.g. `http://localhost:3000/api` or `urn:payerbox:portal`) because oidc-provider
   * only accepts those as `resource` values; the tokens' `aud` is this exact string.
   */
  accessTokenAudience?: string;
}

/** A running provider. */
export interface DevIdentityProvider {
  /** The issuer actually served (differs from the requested one when port 0 was asked for). */
  issuer: string;
  /** Stops listening and ends open connections once their requests are answered. */
  close(): Promise<void>;
}
