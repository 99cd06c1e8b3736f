import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in packages/dev-stack/src). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Local state of the development stack: the embedded database and the demo credentials. */
export const DATA_DIR = join(REPO_ROOT, '.data');
