import { describeNotification, type NotificationType, notificationReasonLabel } from '@payerbox/domain';

/** What one e-mail says: filled from the notification, its audit event and its service. */
export interface NotificationEmailFacts {
  readonly type: NotificationType;
  readonly serviceName: string;
  readonly recipientName: string;
  /** The reviewer's reason (reject, return, deactivate) or note (approve), when the event has one. */
  readonly reason: string | null;
  /** The service's page in the portal the recipient uses. */
  readonly link: string;
  readonly occurredAt: Date;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Service names, reasons and user names are typed by people: every one is escaped before it meets HTML.
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** The plain-text and HTML bodies of a notification e-mail, with its subject (the same sentence). */
export function renderNotificationEmail(facts: NotificationEmailFacts): RenderedEmail {
  const headline = describeNotification(facts.type, facts.serviceName);
  const when = facts.occurredAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const reasonLabel = notificationReasonLabel(facts.type);
  const text = [
    `Hello ${facts.recipientName},`,
    '',
    `${headline}.`,
    ...(facts.reason ? ['', `${reasonLabel}: ${facts.reason}`] : []),
    '',
    `Open the service: ${facts.link}`,
    '',
    `This happened at ${when}. You can turn these e-mails off in the portal's notification settings.`,
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(facts.recipientName)},</p>`,
    `<p><strong>${escapeHtml(headline)}.</strong></p>`,
    ...(facts.reason ? [`<p>${escapeHtml(reasonLabel)}: ${escapeHtml(facts.reason)}</p>`] : []),
    `<p><a href="${escapeHtml(facts.link)}">Open ${escapeHtml(facts.serviceName)} in the portal</a></p>`,
    `<p style="color: #666">This happened at ${escapeHtml(when)}. You can turn these e-mails off in the portal's notification settings.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: headline, text, html };
}
