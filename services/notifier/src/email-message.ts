import {
  type ApiTokenNotificationType,
  describeNotification,
  notificationReasonLabel,
  type ServiceNotificationType,
} from '@payerbox/domain';

/** What an e-mail about an audit event of a service says: filled from the notification, its event and its service. */
export interface ServiceEmailFacts {
  readonly type: ServiceNotificationType;
  readonly serviceName: string;
  /** The reviewer's reason (reject, return, deactivate) or note (approve), when the event has one. */
  readonly reason: string | null;
  readonly occurredAt: Date;
}

/** What an e-mail about one of the recipient's API tokens says: the token as its list shows it. */
export interface ApiTokenEmailFacts {
  readonly type: ApiTokenNotificationType;
  readonly tokenName: string;
  readonly tokenPrefix: string;
  readonly expiresAt: Date;
}

export type NotificationEmailFacts = (ServiceEmailFacts | ApiTokenEmailFacts) & {
  readonly recipientName: string;
  /** The page in the portal the recipient uses: the service's, or the API tokens page. */
  readonly link: string;
};

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

// Service names, token names, reasons and user names are typed by people: every one is escaped before it meets HTML.
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function utcTime(at: Date): string {
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

const SETTINGS_HINT = "You can turn these e-mails off in the portal's notification settings.";

function renderServiceEmail(facts: ServiceEmailFacts & NotificationEmailFacts): RenderedEmail {
  const headline = describeNotification(facts);
  const when = utcTime(facts.occurredAt);
  const reasonLabel = notificationReasonLabel(facts.type);
  const text = [
    `Hello ${facts.recipientName},`,
    '',
    `${headline}.`,
    ...(facts.reason ? ['', `${reasonLabel}: ${facts.reason}`] : []),
    '',
    `Open the service: ${facts.link}`,
    '',
    `This happened at ${when}. ${SETTINGS_HINT}`,
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(facts.recipientName)},</p>`,
    `<p><strong>${escapeHtml(headline)}.</strong></p>`,
    ...(facts.reason ? [`<p>${escapeHtml(reasonLabel)}: ${escapeHtml(facts.reason)}</p>`] : []),
    `<p><a href="${escapeHtml(facts.link)}">Open ${escapeHtml(facts.serviceName)} in the portal</a></p>`,
    `<p style="color: #666">This happened at ${escapeHtml(when)}. ${escapeHtml(SETTINGS_HINT)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: headline, text, html };
}

function renderApiTokenEmail(facts: ApiTokenEmailFacts & NotificationEmailFacts): RenderedEmail {
  const headline = describeNotification(facts);
  const token = `${facts.tokenName} (${facts.tokenPrefix}…)`;
  const expiry = `It stops working at ${utcTime(facts.expiresAt)}.`;
  const advice =
    'Create a new token and put it in place of this one in your tools before then: a request with an expired token is refused.';
  const text = [
    `Hello ${facts.recipientName},`,
    '',
    `${headline}.`,
    '',
    `Token: ${token}. ${expiry}`,
    advice,
    '',
    `Manage your API tokens: ${facts.link}`,
    '',
    SETTINGS_HINT,
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(facts.recipientName)},</p>`,
    `<p><strong>${escapeHtml(headline)}.</strong></p>`,
    `<p>Token: ${escapeHtml(token)}. ${escapeHtml(expiry)}</p>`,
    `<p>${escapeHtml(advice)}</p>`,
    `<p><a href="${escapeHtml(facts.link)}">Manage your API tokens in the portal</a></p>`,
    `<p style="color: #666">${escapeHtml(SETTINGS_HINT)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: headline, text, html };
}

/** The plain-text and HTML bodies of a notification e-mail, with its subject (the same sentence). */
export function renderNotificationEmail(facts: NotificationEmailFacts): RenderedEmail {
  return facts.type === 'api_token.expiring' ? renderApiTokenEmail(facts) : renderServiceEmail(facts);
}
