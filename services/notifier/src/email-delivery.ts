import type { Database } from '@payerbox/db';
import { isApiTokenNotificationType, notificationReason } from '@payerbox/domain';
import type { Kysely } from 'kysely';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpSettings } from './config.ts';
import { type NotificationEmailFacts, renderNotificationEmail } from './email-message.ts';

/** How one e-mail job ended; a failed send throws instead (the queue retries it with backoff). */
export type EmailOutcome =
  | { readonly outcome: 'sent'; readonly latencyMs: number }
  | { readonly outcome: 'skipped'; readonly why: 'already_sent' | 'gone' };

/** An SMTP transport with the settings' TLS policy, credentials and timeouts. */
export function createSmtpTransport(settings: SmtpSettings): Transporter {
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.user !== undefined && { auth: { user: settings.user, pass: settings.password } }),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
}

/** The page of the service in the portal the recipient uses (administrators review in the admin portal). */
function serviceLink(publicUrl: string, role: string, serviceId: string): string {
  return role === 'admin' ? `${publicUrl}/admin/services/${serviceId}` : `${publicUrl}/services/${serviceId}`;
}

/**
 * Where tokens are managed: the developer portal's API tokens page, for administrators too (the admin portal has no
 * such page; an administrator's tokens are theirs to manage there like anyone's).
 */
function apiTokensLink(publicUrl: string): string {
  return `${publicUrl}/api-tokens`;
}

type NotificationRow = Awaited<ReturnType<typeof findNotification>>;

/** The notification with its recipient and what it is about: an audit event and its service, or an API token. */
async function findNotification(db: Kysely<Database>, notificationId: string) {
  return db
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.userId')
    .leftJoin('backendServices', 'backendServices.id', 'notifications.serviceId')
    .leftJoin('serviceEvents', 'serviceEvents.id', 'notifications.eventId')
    .leftJoin('apiTokens', 'apiTokens.id', 'notifications.apiTokenId')
    .select([
      'notifications.type',
      'notifications.serviceId',
      'notifications.eventId',
      'notifications.apiTokenId',
      'notifications.emailedAt',
      'notifications.occurredAt',
      'users.email',
      'users.name as recipientName',
      'users.role',
      'backendServices.name as serviceName',
      'serviceEvents.detail',
      'apiTokens.name as tokenName',
      'apiTokens.tokenPrefix',
      'apiTokens.expiresAt',
    ])
    .where('notifications.id', '=', notificationId)
    .executeTakeFirst();
}

/** The e-mail's facts, or undefined for a row whose subject is missing (the CHECK and the foreign keys forbid it). */
function emailFacts(found: NonNullable<NotificationRow>, publicUrl: string): NotificationEmailFacts | undefined {
  const recipient = { recipientName: found.recipientName };
  if (isApiTokenNotificationType(found.type)) {
    if (found.tokenName === null || found.tokenPrefix === null || found.expiresAt === null) return undefined;
    return {
      ...recipient,
      type: found.type,
      tokenName: found.tokenName,
      tokenPrefix: found.tokenPrefix,
      expiresAt: found.expiresAt,
      link: apiTokensLink(publicUrl),
    };
  }
  if (found.serviceId === null || found.serviceName === null || found.detail === null) return undefined;
  return {
    ...recipient,
    type: found.type,
    serviceName: found.serviceName,
    reason: notificationReason(found.detail, found.type),
    occurredAt: found.occurredAt,
    link: serviceLink(publicUrl, found.role, found.serviceId),
  };
}

/**
 * Sends one notification's e-mail unless it went out already, then records that it did. Idempotent by notification
 * (one event or token, and recipient): a retry after a send that was recorded sends nothing. A crash between the SMTP
 * server's acceptance and the record sends it again (at least once); the stable Message-ID lets mail clients fold the
 * copy.
 */
export async function deliverNotificationEmail(
  db: Kysely<Database>,
  transport: Transporter,
  options: { readonly from: string; readonly publicUrl: string },
  notificationId: string,
): Promise<EmailOutcome> {
  const found = await findNotification(db, notificationId);
  if (!found) return { outcome: 'skipped', why: 'gone' };
  if (found.emailedAt) return { outcome: 'skipped', why: 'already_sent' };
  const facts = emailFacts(found, options.publicUrl);
  if (!facts) return { outcome: 'skipped', why: 'gone' };
  const message = renderNotificationEmail(facts);
  const about = found.eventId !== null ? `event-${found.eventId}` : `api-token-${found.apiTokenId}`;
  await transport.sendMail({
    from: options.from,
    to: { name: found.recipientName, address: found.email },
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<notification-${notificationId}.${about}@payerbox-portal>`,
    headers: { 'X-Payerbox-Event-Type': found.type },
  });
  await db
    .updateTable('notifications')
    .set({ emailedAt: new Date() })
    .where('id', '=', notificationId)
    .where('emailedAt', 'is', null)
    .execute();
  return { outcome: 'sent', latencyMs: Date.now() - found.occurredAt.getTime() };
}
