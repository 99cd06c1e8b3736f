import { loadConfig, ConfigError } from '../src/config.ts';
try { loadConfig({ PORT: 'hunter2', DATABASE_POOL_SIZE: '0', LOG_LEVEL: 'loud-secret', PUBLIC_URL: 'ftp://secret-host/', API_TOKEN_MAX_DAYS: '5000', PORTAL_MODE: 'staging-secret', HOST: 'ok' }); } catch (e) { console.log((e as ConfigError).problems, (e as Error).message); }
try { loadConfig({ DATABASE_URL: 'mysql://u:s3cr3t@h/db', PORT: '70000' }); } catch (e) { console.log((e as ConfigError).problems); }
try { loadConfig({ DATABASE_URL: 'postgres://u:s3cr3t@h/db', PORT: '1.5' , DATABASE_POOL_SIZE: ' 5'}); } catch (e) { console.log((e as ConfigError).problems); }
console.log(loadConfig({ DATABASE_URL: 'postgres://x', PORT: '', HOST: '' }));
