import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@payerbox/dev-stack/paths';
import type { Page } from 'playwright-core';

/** Where screenshots land: `<repo root>/test-artifacts/screenshots` (ignored by git). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');

/**
 * Saves a full-page PNG of the page to `<repo root>/test-artifacts/screenshots/<name>.png` (creating the folder) and
 * answers the file's path. Anything in `name` but letters, digits, `_`, `-` and single dots becomes `-` (so
 * `checkout/step 1` saves `checkout-step-1.png`), and a name cannot leave the folder.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const safe = name
    .replace(/[^A-Za-z0-9._-]+|\.{2,}/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
  if (safe === '') throw new TypeError(`unusable screenshot name ${JSON.stringify(name)}`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${safe}.png`);
  await page.screenshot({ path, fullPage: true, type: 'png', timeout: 15_000 });
  return path;
}
