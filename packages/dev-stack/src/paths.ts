import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in packages/dev-stack/src). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/**
 * Local state of the development stack: the embedded database, the demo credentials, the encryption key.
 * PORTAL_DATA_DIR moves it (tests of the start command use a temporary one).
 */
export const DATA_DIR = process.env.PORTAL_DATA_DIR ?? join(REPO_ROOT, '.data');
