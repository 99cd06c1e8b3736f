// The provider's interaction routes (oidc-provider "User flows"): a login form of our own instead of the built-in
// development interactions, and consent granted without asking, because every client here is one we configured.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { DevAccount } from './options.ts';
import { errorPage, loginPage, PAGE_SECURITY_HEADERS } from './pages.ts';

/** Path of an interaction; what `interactions.url` in the configuration produces. */
export const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;

/** The login form holds two short fields; anything bigger is not a form submission of ours. */
const MAX_FORM_BYTES = 16 * 1024;

const BAD_CREDENTIALS = 'The e-mail address or password is not correct.';

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new BadRequest('Expected a form submission.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest('The form submission is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Compares digests so the time taken says nothing about how much of the password matched. */
function samePassword(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createInteractionHandler(provider: Provider, accounts: readonly DevAccount[]) {
  const accountsByEmail = new Map(accounts.map((account) => [account.email.toLowerCase(), account]));

  async function grantConsent(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
  ) {
    const { prompt, params, session } = details;
    const clientId = String(params.client_id);
    // Grant handling as in oidc-provider's example routes: extend the grant the session already has, if any.
    const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
    const grant = existing ?? new provider.Grant({ accountId: session?.accountId, clientId });
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    // A new grant is handed over; an existing one was changed in place and stays the session's.
    const result: InteractionResults = { consent: existing === undefined ? { grantId } : {} };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }

  async function login(req: IncomingMessage, res: ServerResponse, uid: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid || details.prompt.name !== 'login') {
      throw new errors.SessionNotFound('interaction mismatch');
    }
    const form = await readForm(req);
    const email = form.get('email')?.trim() ?? '';
    const account = accountsByEmail.get(email.toLowerCase());
    if (account === undefined || !samePassword(form.get('password') ?? '', account.password)) {
      send(
        res,
        200,
        loginPage({
          action: `/interaction/${uid}`,
          clientId: String(details.params.client_id),
          email,
          error: BAD_CREDENTIALS,
        }),
      );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  }

  async function show(req: IncomingMessage, res: ServerResponse, uid: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    switch (details.prompt.name) {
      case 'login':
        send(res, 200, loginPage({ action: `/interaction/${uid}`, clientId: String(details.params.client_id) }));
        return;
      case 'consent':
        await grantConsent(req, res, details);
        return;
      default:
        send(res, 400, errorPage('Sign-in failed', `Unsupported interaction: ${details.prompt.name}.`));
    }
  }

  /** Answers `GET` (show the form, or grant consent) and `POST` (check the credentials) on an interaction path. */
  return async function handleInteraction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    try {
      if (req.method === 'GET' || req.method === 'HEAD') await show(req, res, uid);
      else if (req.method === 'POST') await login(req, res, uid);
      else {
        res.setHeader('allow', 'GET, HEAD, POST');
        send(res, 405, errorPage('Method not allowed', 'Use the sign-in form.'));
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof errors.SessionNotFound) {
        // The interaction cookie is gone or expired: the sign-in has to start again at the client.
        send(
          res,
          400,
          errorPage(
            'Sign-in expired',
            'This sign-in attempt has expired. Go back to the application and sign in again.',
          ),
        );
      } else if (error instanceof BadRequest) {
        send(res, 400, errorPage('Bad request', error.message));
      } else {
        console.error(error);
        send(res, 500, errorPage('Something went wrong', 'The identity provider could not handle this request.'));
      }
    }
  };
}
