import * as oidc from 'openid-client';
import t from 'tap';
import { readForm } from '../src/user-agent.ts';
import {
  authorizationRequest,
  openLoginPage,
  PORTAL,
  POST_LOGOUT_REDIRECT_URI,
  signIn,
  startTestProvider,
} from './helpers/sign-in.ts';

t.test('ends the provider session through RP-initiated logout and returns to the portal', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const { tokens, agent } = await signIn(config, developer);
  const state = oidc.randomState();
  const logoutUrl = oidc.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token ?? '',
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
    state,
  });
  t.equal(`${logoutUrl.origin}${logoutUrl.pathname}`, config.serverMetadata().end_session_endpoint);

  const confirm = await agent.request(logoutUrl);
  t.equal(confirm.status, 200);
  const html = await confirm.text();
  t.match(html, /<h1>Sign out of [^<]+\?<\/h1>/);
  t.match(html, /<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out<\/button>/);
  t.match(html, /<button type="submit" form="op.logoutForm">Stay signed in<\/button>/);
  t.notMatch(html, /<script|\bsrc=|@import/i);

  const { action, fields } = readForm(html, logoutUrl);
  const { url: back } = await agent.navigate(action, PORTAL, { form: { ...fields, logout: 'yes' } });
  t.equal(`${back.origin}${back.pathname}`, POST_LOGOUT_REDIRECT_URI);
  t.equal(back.searchParams.get('state'), state);

  const { response } = await openLoginPage(agent, (await authorizationRequest(config)).url);
  t.equal(response.status, 200, 'the next sign-in asks for credentials again');
});

t.test('refuses a post-logout redirect URI the client did not register', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const { tokens, agent } = await signIn(config, developer);
  const logoutUrl = oidc.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token ?? '',
    post_logout_redirect_uri: 'http://localhost:4000/elsewhere',
  });
  const response = await agent.request(logoutUrl);
  t.equal(response.status, 400);
  t.match(await response.text(), /post_logout_redirect_uri not registered/);
});

t.test('logs out with client_id instead of an ID token hint', async (t) => {
  const { developer, client, config } = await startTestProvider(t);
  const { agent } = await signIn(config, developer);
  const logoutUrl = oidc.buildEndSessionUrl(config, {
    client_id: client.clientId,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
  });
  const confirm = await agent.request(logoutUrl);
  t.equal(confirm.status, 200);
  const { action, fields } = readForm(await confirm.text(), logoutUrl);
  const { url: back } = await agent.navigate(action, PORTAL, { form: { ...fields, logout: 'yes' } });
  t.equal(`${back.origin}${back.pathname}`, POST_LOGOUT_REDIRECT_URI);
  const { response } = await openLoginPage(agent, (await authorizationRequest(config)).url);
  t.equal(response.status, 200, 'the next sign-in asks for credentials again');
});
