export {
  apiTokenExpiryScan,
  type ExpiryScanResult,
  NOTIFY_EXPIRING_API_TOKENS,
  notifyExpiringApiTokens,
} from './api-token-expiry.ts';
export { loadNotifierConfig, type NotifierConfig, type SmtpSettings } from './config.ts';
export { renderNotificationEmail } from './email-message.ts';
export { NOTIFY_SERVICE_EVENT, SEND_NOTIFICATION_EMAIL } from './jobs.ts';
export { configuredKeySetRecheck, RECHECK_KEY_SETS } from './key-set-recheck.ts';
export { createNotifierMetrics } from './metrics.ts';
export type { RecurringWork } from './recurring.ts';
export { type Notifier, startNotifier } from './runner.ts';
export { scheduledWorks } from './scheduled-works.ts';
