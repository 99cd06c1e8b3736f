export { createDb, type DbConfig } from './create-db.ts';
export { MigrationError, migrateToLatest } from './migrate.ts';
export * from './schema.ts';
