// `pnpm aidbox:check`: runs the conformance checks against the Aidbox of each environment, prints a table per
// environment, optionally writes them all as JSON, and exits 1 when any check failed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exitCode, type RunReport, renderTable } from './report.ts';
import { runConformanceChecks } from './run.ts';
import { ENVIRONMENTS, type Environment, loadTarget, TargetError } from './target.ts';

const USAGE = `usage: pnpm aidbox:check [--environment sandbox|production] [--json FILE] [--organization ID]
                         [--jwks-listen HOST:PORT] [--jwks-url URL] [--slow] [--only CHECK-ID-PREFIX]...

Checks each environment's Aidbox (both unless --environment says) with the portal's own credentials: the
provisioner's <ENV>_AIDBOX_URL, _CLIENT_ID, _CLIENT_SECRET and the reader's <ENV>_AIDBOX_READER_CLIENT_ID, _SECRET,
or, when they are unset, the development credentials file of \`pnpm start\` (.data/dev-credentials.json, or
PORTAL_DATA_DIR). ORGBAC_ENABLED=true adds the organization checks in production.
Throwaway JWKS clients sign with keys this process serves: --jwks-listen is where it listens (default
127.0.0.1, any port), --jwks-url the URL Aidbox fetches them at when that differs (e.g. from inside a container).`;

function parseListen(text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(.+):(\d{1,5})$/.exec(text);
  if (!match?.[1] || !match[2]) throw new TargetError(`--jwks-listen: "${text}" is not HOST:PORT`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      environment: { type: 'string' },
      json: { type: 'string' },
      organization: { type: 'string' },
      'jwks-listen': { type: 'string' },
      'jwks-url': { type: 'string' },
      slow: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const environments: Environment[] =
    values.environment === undefined ? [...ENVIRONMENTS] : [values.environment as Environment];
  if (!environments.every((environment) => (ENVIRONMENTS as readonly string[]).includes(environment))) {
    throw new TargetError(`--environment must be sandbox or production\n\n${USAGE}`);
  }
  const credentialsFile = join(process.env.PORTAL_DATA_DIR ?? join(process.cwd(), '.data'), 'dev-credentials.json');
  const listen = parseListen(values['jwks-listen']);
  const reports: RunReport[] = [];
  for (const environment of environments) {
    const target = await loadTarget(environment, process.env, { credentialsFile, organizationId: values.organization });
    console.log(`\n${environment}: ${target.url} (credentials from the ${target.source})\n`);
    const report = await runConformanceChecks(target, {
      slow: values.slow,
      ...(values.only && { only: values.only }),
      keySet: {
        ...(listen && { listen }),
        ...(values['jwks-url'] !== undefined && { publicUrl: values['jwks-url'] }),
      },
    });
    console.log(renderTable(report.results));
    reports.push(report);
  }
  if (values.json !== undefined) {
    await writeFile(values.json, `${JSON.stringify({ reports }, null, 2)}\n`);
    console.log(`\nwrote ${values.json}`);
  }
  return exitCode(reports.flatMap((report) => report.results));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof TargetError ? `aidbox:check: ${error.message}` : error);
    process.exit(2);
  },
);
