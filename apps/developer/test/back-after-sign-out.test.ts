import {
  portalForTests,
  pressBack,
  signedInPage,
  signOut,
  submittedService,
  watchRestoredPage,
} from '@payerbox/browser-testing';
import t from 'tap';

// The back/forward cache on, as in a person's browser: Back may show the page exactly as it was left.
const portal = portalForTests(t, { apps: ['developer'], backForwardCache: true });

t.test('Back after signing out shows none of the service page, only signing in again', async (t) => {
  const service = await submittedService(portal(), `Back after sign-out ${Math.random().toString(16).slice(2, 8)}`);
  const page = await signedInPage(portal(), portal().accounts.developer, `/services/${service.id}`);
  await page.getByRole('heading', { level: 1, name: service.name }).waitFor();
  const watch = await watchRestoredPage(page);
  await signOut(page, portal());

  // The portal's session is gone, the identity provider's not (its "Sign out?" question was not answered), so the new
  // sign-in Back leads to may succeed at once: what must not show is the page as it was left, before that sign-in.
  const signingIn = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/auth/login');
  await pressBack(page);
  await signingIn;
  t.pass('the restored page sends the browser to sign in again');
  await page.waitForURL((url) => url.origin === portal().url && url.pathname === `/services/${service.id}`);
  const shown = await watch.restored();
  t.type(shown, 'string', 'Back brought the page back from the back/forward cache');
  t.notMatch(shown, service.name, 'without the service');
  t.notMatch(shown, 'Sign out', 'or the signed-in frame');
  await page.close();
});
