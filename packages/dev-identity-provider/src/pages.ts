// The provider's own pages: plain HTML with one inline style sheet, no scripts and no external assets, so they work
// without JavaScript and are easy to drive from tests.
import { createHash } from 'node:crypto';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { width: min(24rem, 100% - 2rem); }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { display: block; box-sizing: border-box; width: 100%; padding: 0.5rem; font: inherit; }
  button { margin-top: 1.25rem; margin-right: 0.5rem; padding: 0.5rem 1rem; font: inherit; }
  .error { border: 2px solid #b00020; padding: 0.5rem 0.75rem; }
  .note { font-size: 0.875rem; opacity: 0.8; }
`;

/** Sent with every page: only the inline style sheet above may load, nothing may frame the page. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Development identity provider</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<p class="note">Development identity provider: for local runs and tests only.</p>
</main>
</body>
</html>
`;
}

export interface LoginPageInput {
  action: string;
  clientId: string;
  email?: string;
  /** Shown above the form and tied to it and its inputs through aria-describedby. */
  error?: string;
}

export function loginPage({ action, clientId, email, error }: LoginPageInput): string {
  const described = error === undefined ? '' : ' aria-describedby="login-error"';
  const invalid = error === undefined ? '' : ' aria-invalid="true"';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(clientId)}</strong></p>
${error === undefined ? '' : `<p id="login-error" class="error" role="alert">${escapeHtml(error)}</p>\n`}<form method="post" action="${escapeHtml(action)}"${described}>
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required${invalid}${described}${email === undefined ? ' autofocus' : ` value="${escapeHtml(email)}"`}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${described}${email === undefined ? '' : ' autofocus'}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** RP-initiated logout confirmation; `form` is oidc-provider's hidden form (id `op.logoutForm`) carrying the xsrf token. */
export function logoutPage(form: string, host: string): string {
  return page(
    'Sign out',
    `<h1>Sign out of ${escapeHtml(host)}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

export function signedOutPage(clientId: string | undefined): string {
  return page(
    'Signed out',
    `<h1>Signed out</h1>
<p>You have been signed out${clientId === undefined ? '' : ` of ${escapeHtml(clientId)}`}.</p>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}
