import { generateKeyringSpec } from '@payerbox/secret-box';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

/** Where the committed OpenAPI document lives (the SPAs' generated clients read it). */
export const OPENAPI_FILE = new URL('../openapi.json', import.meta.url);

/**
 * Renders the OpenAPI document from the routes. The pg pool opens connections lazily, so no database is needed, and
 * no Aidbox either.
 */
export async function renderOpenApi(): Promise<string> {
  const app = await buildApp(
    loadConfig({
      DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused',
      LOG_LEVEL: 'silent',
      SECRET_ENCRYPTION_KEYS: generateKeyringSpec(),
      SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.example',
      PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.example',
      // Nothing listens there: the SMART configurations the app starts reading fail at once, without a DNS query.
      SANDBOX_AIDBOX_URL: 'http://127.0.0.1:1',
      PRODUCTION_AIDBOX_URL: 'http://127.0.0.1:1',
    }),
  );
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
