/**
 * Configuration of the emulator process, from environment variables only. Every bad variable is reported at once,
 * and secrets are never echoed.
 */
import { fileURLToPath } from 'node:url';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from './client-assertion.ts';
import type { EmulatorOptions } from './options.ts';
import type { OrgbacWrite } from './orgbac.ts';

export class EmulatorConfigError extends Error {
  override name = 'EmulatorConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid emulator configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads `EMULATOR_*` variables into emulator options; throws an EmulatorConfigError listing every problem. */
export function loadEmulatorConfig(env: Readonly<Record<string, string | undefined>>): EmulatorOptions {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const number = (name: string, test: (value: number) => boolean, expectation: string) => {
    const text = read(name);
    if (text === undefined) return undefined;
    const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!test(value)) {
      problems.push(`${name}: must be ${expectation}`);
      return undefined;
    }
    return value;
  };
  const rate = (name: string) => number(name, (v) => v >= 0 && v <= 1, 'a number from 0 to 1');

  const host = read('EMULATOR_HOST') ?? '127.0.0.1';
  const port = number('EMULATOR_PORT', (v) => Number.isInteger(v) && v <= 65535, 'an integer from 0 to 65535') ?? 0;
  const baseUrl = read('EMULATOR_BASE_URL');
  if (baseUrl !== undefined && !(URL.canParse(baseUrl) && /^https?:$/.test(new URL(baseUrl).protocol))) {
    problems.push('EMULATOR_BASE_URL: must be an http(s) URL');
  }
  const adminId = read('EMULATOR_ADMIN_CLIENT_ID') ?? 'root';
  if (adminId.includes(':')) problems.push('EMULATOR_ADMIN_CLIENT_ID: must not contain ":"');
  const adminSecret = read('EMULATOR_ADMIN_CLIENT_SECRET');
  if (adminSecret === undefined) problems.push('EMULATOR_ADMIN_CLIENT_SECRET: is required');
  const flag = (name: string, fallback: 'true' | 'false') => {
    const text = read(name) ?? fallback;
    if (text !== 'true' && text !== 'false') problems.push(`${name}: must be true or false`);
    return text === 'true';
  };
  const seed = flag('EMULATOR_SEED', 'true');
  const orgbac = flag('EMULATOR_ORGBAC', 'false');
  const orgbacWriteOperations = operationIds(read('EMULATOR_ORGBAC_WRITE_OPERATIONS'), problems);
  const errorRate = rate('EMULATOR_ERROR_RATE');
  const dropRate = rate('EMULATOR_DROP_RATE');
  const latencyMs = number('EMULATOR_LATENCY_MS', Number.isInteger, 'a whole number of milliseconds');
  const initBundle = read('EMULATOR_INIT_BUNDLE');
  let initBundlePath: string | undefined;
  try {
    initBundlePath = initBundle?.startsWith('file:') ? fileURLToPath(initBundle) : initBundle;
  } catch {
    problems.push('EMULATOR_INIT_BUNDLE: must be a file path or a file:// URL');
  }
  const writeConflictRate = rate('EMULATOR_WRITE_CONFLICT_RATE');
  const assertionAlgorithms = algorithms(read('EMULATOR_ASSERTION_ALGORITHMS'), problems);
  const jwksCacheSeconds = number('EMULATOR_JWKS_CACHE_SECONDS', Number.isInteger, 'a whole number of seconds');
  const whole = (name: string, least: number) =>
    number(name, (v) => Number.isInteger(v) && v >= least, `a whole number, ${least} or more`);
  const syntheticPatients = whole('EMULATOR_SYNTHETIC_PATIENTS', 0);
  const maxConcurrentExports = whole('EMULATOR_MAX_CONCURRENT_EXPORTS', 1);
  const exportRequiresAccessToken = flag('EMULATOR_EXPORT_REQUIRES_ACCESS_TOKEN', 'true');
  const exportRetentionSeconds = whole('EMULATOR_EXPORT_RETENTION_SECONDS', 1);
  const exportRetryAfterSeconds = whole('EMULATOR_EXPORT_RETRY_AFTER_SECONDS', 0);
  if (problems.length > 0 || adminSecret === undefined) throw new EmulatorConfigError(problems);

  const name = read('EMULATOR_NAME');
  return {
    host,
    port,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    adminClient: { id: adminId, secret: adminSecret },
    seed,
    orgbac,
    ...(orgbacWriteOperations !== undefined ? { orgbacWriteOperations } : {}),
    faults: {
      ...(errorRate !== undefined ? { errorRate } : {}),
      ...(dropRate !== undefined ? { dropRate } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(writeConflictRate !== undefined ? { writeConflictRate } : {}),
    },
    ...(name !== undefined ? { name } : {}),
    // Its placeholders are filled in from this process's environment, as the Aidbox container's envsubst does.
    ...(initBundlePath !== undefined ? { initBundle: { path: initBundlePath, variables: env } } : {}),
    ...(assertionAlgorithms !== undefined ? { assertionAlgorithms } : {}),
    ...(jwksCacheSeconds !== undefined ? { jwksCache: { ttlMs: jwksCacheSeconds * 1000 } } : {}),
    ...(syntheticPatients !== undefined ? { syntheticPatients } : {}),
    ...(maxConcurrentExports !== undefined ? { maxConcurrentExports } : {}),
    exportRequiresAccessToken,
    ...(exportRetentionSeconds !== undefined ? { exportRetentionMs: exportRetentionSeconds * 1000 } : {}),
    ...(exportRetryAfterSeconds !== undefined ? { exportRetryAfterSeconds } : {}),
  };
}

const ORGBAC_WRITES: readonly OrgbacWrite[] = ['create', 'update', 'patch', 'delete'];

/**
 * `EMULATOR_ORGBAC_WRITE_OPERATIONS`: the operation ids of writes on an organization base, as `create=<id>,...`
 * (e.g. what an operator check of a real Aidbox recorded); interactions left out keep their default.
 */
function operationIds(text: string | undefined, problems: string[]): Partial<Record<OrgbacWrite, string>> | undefined {
  if (text === undefined) return undefined;
  const ids: Partial<Record<OrgbacWrite, string>> = {};
  for (const entry of text.split(',')) {
    const [name, id, extra] = entry.split('=').map((part) => part.trim());
    const write = ORGBAC_WRITES.find((candidate) => candidate === name);
    if (!write || !id || extra !== undefined) {
      problems.push(`EMULATOR_ORGBAC_WRITE_OPERATIONS: "${entry}" is not <${ORGBAC_WRITES.join('|')}>=<operation id>`);
      continue;
    }
    ids[write] = id;
  }
  return ids;
}

/** `EMULATOR_ASSERTION_ALGORITHMS`: a comma-separated list, e.g. `RS384` (documented Aidbox) or `RS384,ES384`. */
function algorithms(text: string | undefined, problems: string[]): AssertionAlgorithm[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  const known = (name: string): name is AssertionAlgorithm =>
    (ASSERTION_ALGORITHMS as readonly string[]).includes(name);
  if (!names.every(known)) {
    problems.push(`EMULATOR_ASSERTION_ALGORITHMS: must list one or more of ${ASSERTION_ALGORITHMS.join(', ')}`);
    return undefined;
  }
  return [...new Set(names)];
}
