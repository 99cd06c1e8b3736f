// Applies pending migrations to DATABASE_URL (this script is configuration's one reader of the environment).
import { createDb } from '../create-db.ts';
import { migrateToLatest } from '../migrate.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is required (the start command migrates the embedded database itself)');
  process.exit(2);
}
const db = createDb({ databaseUrl, poolSize: 1 });
try {
  const applied = await migrateToLatest(db, databaseUrl);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
