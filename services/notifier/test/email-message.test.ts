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
