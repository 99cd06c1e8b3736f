// Rewrites sql/queries.sql from the statements as they are now.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_PATH, sqlSnapshot } from '../sql-snapshot.ts';

await writeFile(SNAPSHOT_PATH, sqlSnapshot());
console.log(`wrote ${fileURLToPath(SNAPSHOT_PATH)}`);
