import t from 'tap';
import { renderNotificationEmail } from '../src/email-message.ts';

const facts = {
  type: 'service.rejected' as const,
  serviceName: 'Claims <sync>',
  recipientName: 'Dana & Co',
  reason: 'Scopes are wider than the use case needs',
  link: 'https://portal.payer.example/services/0b7c',
  occurredAt: new Date('2026-12-05T10:15:30.123Z'),
};

t.test('names the service, what happened, the reason and the page in both bodies', async (t) => {
  const email = renderNotificationEmail(facts);
  t.equal(email.subject, 'Claims <sync> was rejected');
  t.match(email.text, 'Claims <sync> was rejected.');
  t.match(email.text, 'Reason: Scopes are wider than the use case needs');
  t.match(email.text, 'Open the service: https://portal.payer.example/services/0b7c');
  t.match(email.text, '2026-12-05 10:15:30 UTC');
  t.match(email.html, '<a href="https://portal.payer.example/services/0b7c">');
  t.match(email.html, 'Reason: Scopes are wider than the use case needs');
});

t.test('escapes what people typed before it meets HTML', async (t) => {
  const email = renderNotificationEmail(facts);
  t.match(email.html, 'Claims &lt;sync&gt; was rejected');
  t.match(email.html, 'Hello Dana &amp; Co,');
  t.notMatch(email.html, '<sync>');
});

t.test('calls an approval’s note a note, and leaves the line out when there is none', async (t) => {
  t.match(
    renderNotificationEmail({ ...facts, type: 'service.approved', reason: 'Welcome' }).text,
    'Note from the reviewer: Welcome',
  );
  t.notMatch(renderNotificationEmail({ ...facts, reason: null }).text, 'Reason');
});

const token = {
  type: 'api_token.expiring' as const,
  tokenName: 'ci <deploy>',
  tokenPrefix: 'pbx_pat_9fK2x1',
  expiresAt: new Date('2026-12-12T08:00:00.000Z'),
  recipientName: 'Dana',
  link: 'https://portal.payer.example/api-tokens',
};

t.test(
  'an expiring token’s e-mail names the token, its prefix and expiry, what to do, and the tokens page',
  async (t) => {
    const email = renderNotificationEmail(token);
    t.equal(email.subject, 'Your API token “ci <deploy>” expires on 12 December 2026');
    t.match(email.text, 'Token: ci <deploy> (pbx_pat_9fK2x1…). It stops working at 2026-12-12 08:00:00 UTC.');
    t.match(email.text, 'Create a new token and put it in place of this one');
    t.match(email.text, 'Manage your API tokens: https://portal.payer.example/api-tokens');
    t.match(email.html, '<a href="https://portal.payer.example/api-tokens">');
    t.match(email.html, 'ci &lt;deploy&gt; (pbx_pat_9fK2x1…)');
    t.notMatch(email.html, '<deploy>');
  },
);
