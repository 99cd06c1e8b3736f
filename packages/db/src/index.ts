export { createDb, type DbConfig } from './create-db.ts';
export { installJobQueue, JOB_QUEUE_SCHEMA } from './job-queue.ts';
export { MigrationError, migrateToLatest } from './migrate.ts';
export { type ListenOptions, listenForNotifications, type NotificationListener } from './notification-listener.ts';
export { createOwnDatabase, type OwnDatabase } from './own-database.ts';
export { prepareStatement } from './prepared-statements.ts';
export * from './schema.ts';
export * from './secret-cutover.ts';
export { DELIVER_WEBHOOK, queueWebhookDelivery } from './webhook-queue.ts';
