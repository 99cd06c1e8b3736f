// The start command: the whole portal on one machine with embedded defaults (development mode).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDb } from '@payerbox/db';
import { buildApp, ConfigError, loadConfig } from '@payerbox/registration';
import { seedDevelopmentAccounts } from '@payerbox/registration/dev-seed';
import { developmentDatabase } from './database.ts';
import { developmentKeyring } from './dev-secrets.ts';
import { DATA_DIR } from './paths.ts';

async function main(): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const database = await developmentDatabase(process.env.DATABASE_URL, join(DATA_DIR, 'postgres'));
  const config = loadConfig({
    SECRET_ENCRYPTION_KEYS: await developmentKeyring(DATA_DIR),
    ...process.env,
    PORTAL_MODE: 'development',
    DATABASE_URL: database.url,
  });

  const credentialsFile = join(DATA_DIR, 'dev-credentials.json');
  const seedDb = createDb({ databaseUrl: database.url, poolSize: 1 });
  const credentials = await seedDevelopmentAccounts(seedDb, credentialsFile).finally(() => seedDb.destroy());
  await writeFile(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });

  const app = await buildApp(config);
  await app.listen({ host: config.host, port: config.port });
  const base = `http://localhost:${config.port}`;
  console.log(
    [
      '',
      'Payerbox Backend Services portal (development mode)',
      `  API            ${base}/api/v1`,
      `  API docs       ${base}/api/docs`,
      `  OpenAPI        ${base}/api/openapi.json`,
      `  Database       ${database.description}`,
      '',
      `Demo accounts (also in ${credentialsFile}):`,
      ...Object.entries(credentials).map(
        ([who, c]) => `  ${who.padEnd(11)} ${c.email.padEnd(24)} password ${c.password}  API token ${c.apiToken}`,
      ),
      '',
      `Try: curl -H "Authorization: Bearer ${credentials.developer.apiToken}" ${base}/api/v1/me`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await database.release();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
