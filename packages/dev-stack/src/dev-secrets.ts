import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyringSpec } from '@payerbox/secret-box';

/**
 * Development mode keeps its client-secret encryption key under .data/, so that secrets sealed in one run still open
 * in the next. Production gets its keys from SECRET_ENCRYPTION_KEYS and never from a file.
 */
export async function developmentKeyring(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secret-encryption-keys');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const spec = generateKeyringSpec('dev1');
    await writeFile(file, `${spec}\n`, { mode: 0o600 });
    return spec;
  }
}
