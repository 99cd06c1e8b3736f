import type { Database } from '@payerbox/db';
import { notificationReason } from '@payerbox/domain';
import type { Kysely } from 'kysely';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpSettings } from './config.ts';
import { renderNotificationEmail } from './email-message.ts';

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
 * Sends one notification's e-mail unless it went out already, then records that it did. Idempotent by notification
 * (one event and recipient): a retry after a send that was recorded sends nothing. A crash between the SMTP server's
 * acceptance and the record sends it again (at least once); the stable Message-ID lets mail clients fold the copy.
 */
export async function deliverNotificationEmail(
  db: Kysely<Database>,
  transport: Transporter,
  options: { readonly from: string; readonly publicUrl: string },
  notificationId: string,
): Promise<EmailOutcome> {
  const found = await db
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.userId')
    .innerJoin('backendServices', 'backendServices.id', 'notifications.serviceId')
    .innerJoin('serviceEvents', 'serviceEvents.id', 'notifications.eventId')
    .select([
      'notifications.type',
      'notifications.serviceId',
      'notifications.eventId',
      'notifications.emailedAt',
      'users.email',
      'users.name as recipientName',
      'users.role',
      'backendServices.name as serviceName',
      'serviceEvents.detail',
      'serviceEvents.createdAt as occurredAt',
    ])
    .where('notifications.id', '=', notificationId)
    .executeTakeFirst();
  if (!found) return { outcome: 'skipped', why: 'gone' };
  if (found.emailedAt) return { outcome: 'skipped', why: 'already_sent' };
  const message = renderNotificationEmail({
    type: found.type,
    serviceName: found.serviceName,
    recipientName: found.recipientName,
    reason: notificationReason(found.detail, found.type),
    link: serviceLink(options.publicUrl, found.role, found.serviceId),
    occurredAt: found.occurredAt,
  });
  await transport.sendMail({
    from: options.from,
    to: { name: found.recipientName, address: found.email },
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<notification-${notificationId}.event-${found.eventId}@payerbox-portal>`,
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
