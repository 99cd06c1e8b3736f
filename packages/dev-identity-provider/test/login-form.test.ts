import { createHash } from 'node:crypto';
import t from 'tap';
import { UserAgent } from '../src/user-agent.ts';
import { authorizationRequest, openLoginPage, startTestProvider } from './helpers/sign-in.ts';

t.test('renders a labelled login form that needs no script and no external asset', async (t) => {
  const { config, client } = await startTestProvider(t);
  const { response, html, action, pageUrl } = await openLoginPage(
    new UserAgent(),
    (await authorizationRequest(config)).url,
  );
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/html/);
  t.match(html, /<html lang="en">/);
  t.match(html, /<title>Sign in · Development identity provider<\/title>/);
  t.match(html, /<h1>Sign in<\/h1>/);
  t.match(html, new RegExp(`to continue to <strong>${client.clientId}</strong>`));
  t.match(
    html,
    /<label for="email">E-mail<\/label>\s*<input id="email" name="email" type="email" autocomplete="username" required/,
  );
  t.match(
    html,
    /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password" autocomplete="current-password" required/,
  );
  t.match(html, /<button type="submit">Sign in<\/button>/);
  t.match(html, /<form method="post" action="\/interaction\/[\w-]+">/);
  t.equal(action.pathname, pageUrl.pathname, 'the form posts back to the interaction');
  t.notMatch(html, /<script|\bsrc=|\bhref=|@import|url\(/i);
  t.notMatch(html, /role="alert"/, 'no error before a submission');
});

t.test('allows exactly its own inline style sheet and no framing', async (t) => {
  const { config } = await startTestProvider(t);
  const { response, html } = await openLoginPage(new UserAgent(), (await authorizationRequest(config)).url);
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const csp = response.headers.get('content-security-policy') ?? '';
  t.match(csp, /default-src 'none'/);
  t.match(csp, /frame-ancestors 'none'/);
  t.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'the style hash matches');
  t.equal(response.headers.get('cache-control'), 'no-store');
});

t.test('answers an interaction without its cookie with an expiry page, not a crash', async (t) => {
  const { config } = await startTestProvider(t);
  const { pageUrl } = await openLoginPage(new UserAgent(), (await authorizationRequest(config)).url);
  const stranger = await new UserAgent().request(pageUrl);
  t.equal(stranger.status, 400);
  t.match(await stranger.text(), /<h1>Sign-in expired<\/h1>/);
  const post = await new UserAgent().request(pageUrl, { form: { email: 'a@example.com', password: 'x' } });
  t.equal(post.status, 400);
  await post.body?.cancel();
});

t.test('refuses a login submission that is not a form', async (t) => {
  const { config } = await startTestProvider(t);
  const agent = new UserAgent();
  const { action } = await openLoginPage(agent, (await authorizationRequest(config)).url);
  const cookie = agent.cookies.header(action);
  const response = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie === undefined ? {} : { cookie }) },
    body: '{}',
    redirect: 'manual',
  });
  t.equal(response.status, 400);
  t.match(await response.text(), /Expected a form submission/);
});
