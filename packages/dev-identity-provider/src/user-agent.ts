// A tiny user agent for driving sign-in over real HTTP without a browser (tests only): a cookie jar (name, value, path,
// expiry; enough for oidc-provider's cookies) and redirects followed one at a time.

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const cookie: StoredCookie = { name, value: pair.slice(separator + 1), path: '/', expiresAt: Infinity };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        switch (key.toLowerCase()) {
          case 'path':
            cookie.path = value;
            break;
          case 'expires':
            cookie.expiresAt = Date.parse(value);
            break;
          case 'max-age':
            cookie.expiresAt = Date.now() + Number(value) * 1000;
            break;
        }
      }
      const key = `${name};${cookie.path}`;
      if (cookie.expiresAt <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  header(url: URL): string | undefined {
    const matching = [...this.#cookies.values()].filter(
      (cookie) =>
        cookie.expiresAt > Date.now() &&
        (url.pathname === cookie.path ||
          url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)),
    );
    return matching.length === 0 ? undefined : matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }
}

export interface RequestInit {
  readonly method?: string;
  readonly form?: Record<string, string>;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

export class UserAgent {
  readonly cookies = new CookieJar();

  /** One request, redirects not followed, cookies sent and kept. */
  async request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookies.header(target);
    if (cookie !== undefined) headers.set('cookie', cookie);
    let body: URLSearchParams | string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form);
      headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('content-type', 'application/json');
    }
    const response = await fetch(target, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
    this.cookies.store(response);
    return response;
  }

  /**
   * Follows redirects from `start` until a page answers (returned with its URL) or a redirect leaves for `stopAt`'s
   * origin (the relying party, which is not running): then that URL is returned without being requested.
   */
  async navigate(
    start: URL | string,
    stopAt: string,
    init: RequestInit = {},
  ): Promise<{ url: URL; response?: Response }> {
    let url = new URL(start);
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { url, response };
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.origin === new URL(stopAt).origin) return { url };
      response = await this.request(url);
    }
    throw new Error(`too many redirects, last at ${url}`);
  }
}

/** The first form on a page: its action (resolved against the page) and its hidden fields. */
export function readForm(html: string, pageUrl: URL): { action: URL; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (form === null) throw new Error('no form on the page');
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined && /\btype="hidden"/.test(input[0])) fields[name] = value ?? '';
  }
  return { action: new URL((form[1] ?? '').replaceAll('&amp;', '&'), pageUrl), fields };
}

/**
 * What a person does at the provider: follows `start` to the login form, submits the credentials, and follows the
 * redirects until they leave for `returnTo`'s origin. Answers that URL (the relying party's callback), unrequested.
 */
export async function passLoginForm(
  agent: UserAgent,
  start: URL | string,
  returnTo: string,
  account: { email: string; password: string },
): Promise<URL> {
  const toLogin = await agent.navigate(start, returnTo);
  if (toLogin.response === undefined) throw new Error(`expected the login form, was sent to ${toLogin.url}`);
  const form = readForm(await toLogin.response.text(), toLogin.url);
  const back = await agent.navigate(form.action, returnTo, {
    form: { ...form.fields, email: account.email, password: account.password },
  });
  if (back.response !== undefined) throw new Error(`sign-in did not return to ${returnTo}; stopped at ${back.url}`);
  return back.url;
}
