import { portalForTests, shownAfterBackFromSignOut, signedInPage, submittedService } from '@payerbox/browser-testing';
import t from 'tap';

// The back/forward cache on, as in a person's browser: Back may show the page exactly as it was left.
const portal = portalForTests(t, { apps: ['admin'], backForwardCache: true });

t.test('Back after signing out shows none of the review queue, only signing in again', async (t) => {
  const service = await submittedService(portal(), `Back after sign-out ${Math.random().toString(16).slice(2, 8)}`);
  const page = await signedInPage(portal(), portal().accounts.admin, '/admin/');
  await page.getByRole('table', { name: 'Waiting for review' }).getByRole('link', { name: service.name }).waitFor();

  // Resolves only once the restored page has sent the browser to sign in again.
  const shown = await shownAfterBackFromSignOut(page, portal(), (url) => url.pathname.startsWith('/admin'));
  t.type(shown, 'string', 'Back brought the page back from the back/forward cache');
  t.notMatch(shown, service.name, 'without the queue');
  t.notMatch(shown, 'Sign out', 'or the signed-in frame');
  await page.close();
});
