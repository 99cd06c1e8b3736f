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

/** A paragraph of an e-mail: a sentence, or a link (its text version spells the address out). */
type Paragraph = { readonly text: string } | { readonly text: string; readonly link: string; readonly label: string };

/**
 * The e-mail around what it says: the greeting, the headline (also the subject), the paragraphs, and a footer in grey;
 * plain text and HTML from the same parts, everything people typed escaped in the HTML.
 */
function composeEmail(recipientName: string, headline: string, paragraphs: readonly Paragraph[], footer: string) {
  const text = [
    `Hello ${recipientName},`,
    `${headline}.`,
    ...paragraphs.map((paragraph) => ('link' in paragraph ? `${paragraph.text}: ${paragraph.link}` : paragraph.text)),
    footer,
  ].join('\n\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(recipientName)},</p>`,
    `<p><strong>${escapeHtml(headline)}.</strong></p>`,
    ...paragraphs.map((paragraph) =>
      'link' in paragraph
        ? `<p><a href="${escapeHtml(paragraph.link)}">${escapeHtml(paragraph.label)}</a></p>`
        : `<p>${escapeHtml(paragraph.text)}</p>`,
    ),
    `<p style="color: #666">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: headline, text, html };
}

function renderServiceEmail(facts: ServiceEmailFacts & NotificationEmailFacts): RenderedEmail {
  const reason = facts.reason ? [{ text: `${notificationReasonLabel(facts.type)}: ${facts.reason}` }] : [];
  return composeEmail(
    facts.recipientName,
    describeNotification(facts),
    [...reason, { text: 'Open the service', link: facts.link, label: `Open ${facts.serviceName} in the portal` }],
    `This happened at ${utcTime(facts.occurredAt)}. ${SETTINGS_HINT}`,
  );
}

function renderApiTokenEmail(facts: ApiTokenEmailFacts & NotificationEmailFacts): RenderedEmail {
  return composeEmail(
    facts.recipientName,
    describeNotification(facts),
    [
      { text: `Token: ${facts.tokenName} (${facts.tokenPrefix}…). It stops working at ${utcTime(facts.expiresAt)}.` },
      {
        text: 'Create a new token and put it in place of this one in your tools before then: a request with an expired token is refused.',
      },
      { text: 'Manage your API tokens', link: facts.link, label: 'Manage your API tokens in the portal' },
    ],
    SETTINGS_HINT,
  );
}

/** The plain-text and HTML bodies of a notification e-mail, with its subject (the same sentence). */
export function renderNotificationEmail(facts: NotificationEmailFacts): RenderedEmail {
  return facts.type === 'api_token.expiring' ? renderApiTokenEmail(facts) : renderServiceEmail(facts);
}
