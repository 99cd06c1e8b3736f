import { loadConfig } from '../src/config.ts';
for (const v of ['1.5', ' 5', '5abc', '0x10', '1e3', '-0', 'true', '3000 ']) {
  try { console.log(JSON.stringify(v), loadConfig({ DATABASE_URL: 'postgres://x', PORT: v, API_TOKEN_MAX_DAYS: v }).port); } catch (e) { console.log(JSON.stringify(v), (e as any).problems); }
}
