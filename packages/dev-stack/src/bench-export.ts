// Bulk export against the emulator: kick-off → complete manifest for an export of about 10,000 resources, the
// download of its files, and the emulator's peak memory while it serves them (it streams files to and from disk, so
// an export must not grow it by the size of the export).
import { randomBytes } from 'node:crypto';
import { accessPolicyResource, clientResource, type ServiceSpec } from '@payerbox/aidbox';
import { exportRequest, readExportFile, tokenWithSecret } from '@payerbox/aidbox-check';
import { percentile } from './bench-stats.ts';
import { freePort } from './embedded-postgres.ts';
import { type ManagedProcess, peakRssMb, runProcess, waitForHttp } from './processes.ts';

/** Synthetic members of the exported emulator: six resources each (Patient, Coverage, Claim, EOB, Encounter, Observation). */
const SYNTHETIC_PATIENTS = 1_667;
const EXPORTED_TYPES = ['Patient', 'Coverage', 'Claim', 'ExplanationOfBenefit', 'Encounter', 'Observation'];
/** Status polls while the export runs: much finer than the `Retry-After` a client honours, to time the completion. */
const POLL_MS = 20;
const LIMIT_MS = 120_000;

export interface ExportBenchResult {
  /** Resources in the export (lines over every file). */
  readonly resources: number;
  readonly files: number;
  readonly runs: number;
  /** Kick-off request sent → the status URL answers the complete manifest. */
  readonly kickOffToManifestP50Ms: number;
  readonly kickOffToManifestMaxMs: number;
  /** Every file downloaded with the token and read line by line, after the manifest. */
  readonly downloadP50Ms: number;
  /** The emulator's peak resident set once its data is loaded, before any export. */
  readonly emulatorLoadedRssMb: number | undefined;
  /** Its peak resident set after every export ran and was downloaded. */
  readonly emulatorPeakRssMb: number | undefined;
}

const ADMIN = { id: 'root', secret: randomBytes(18).toString('base64url') };

async function startEmulator(): Promise<{ process: ManagedProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const emulator = runProcess('export-emulator', 'packages/aidbox-emulator/src/bin/emulator.ts', {
    EMULATOR_PORT: String(port),
    EMULATOR_ADMIN_CLIENT_SECRET: ADMIN.secret,
    EMULATOR_SEED: 'false',
    EMULATOR_SYNTHETIC_PATIENTS: String(SYNTHETIC_PATIENTS),
    EMULATOR_NAME: 'export-bench',
  });
  try {
    await waitForHttp(`${url}/health`, emulator);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return { process: emulator, url };
}

/** PUTs a resource as Aidbox's root client, as an operator would. */
async function put(baseUrl: string, resource: { resourceType: string; id: string }): Promise<void> {
  const response = await fetch(`${baseUrl}/${resource.resourceType}/${resource.id}`, {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`${ADMIN.id}:${ADMIN.secret}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(resource),
  });
  if (!response.ok) throw new Error(`bench: PUT ${resource.resourceType} answered ${response.status}`);
  await response.arrayBuffer();
}

/** A client provisioned as the portal provisions a `system/*.read` service; answers an access token. */
async function exportingClient(baseUrl: string): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  const spec: ServiceSpec = {
    clientId: `bs-${randomBytes(16).toString('hex')}`,
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion: 'v1',
    scopes: ['system/*.read'],
    organizationId: null,
  };
  await put(baseUrl, clientResource(spec, { active: true, secret }));
  await put(baseUrl, accessPolicyResource(spec));
  const token = await tokenWithSecret(`${baseUrl}/auth/token`, spec.clientId, secret);
  if (!token.body.access_token) throw new Error(`bench: no token (${token.status} ${token.body.error})`);
  return token.body.access_token;
}

interface Manifest {
  readonly output: readonly { readonly type: string; readonly url: string; readonly count: number }[];
}

/** Kick-off to complete manifest, timed; then every file read through, timed. */
async function oneExport(
  baseUrl: string,
  token: string,
): Promise<{ manifestMs: number; downloadMs: number; resources: number; files: number }> {
  const started = performance.now();
  const kickOff = await exportRequest(`${baseUrl}/fhir/$export?_type=${EXPORTED_TYPES.join(',')}`, token);
  const location = kickOff.headers.get('content-location');
  if (kickOff.status !== 202 || location === null) throw new Error(`bench: kick-off answered ${kickOff.status}`);
  const statusUrl = new URL(location, baseUrl).href;
  const deadline = Date.now() + LIMIT_MS;
  let status = await exportRequest(statusUrl, token);
  while (status.status === 202 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    status = await exportRequest(statusUrl, token);
  }
  if (status.status !== 200) throw new Error(`bench: the export ended with ${status.status}`);
  const manifestMs = performance.now() - started;
  const manifest = status.body as Manifest;
  const downloadStarted = performance.now();
  let resources = 0;
  for (const file of manifest.output) {
    const reading = await readExportFile(file.url, token);
    if (reading.status !== 200 || reading.lines !== file.count || reading.unparsable > 0) {
      throw new Error(`bench: ${file.type} downloaded ${reading.status} with ${reading.lines}/${file.count} lines`);
    }
    resources += reading.lines;
  }
  const downloadMs = performance.now() - downloadStarted;
  // Removes the job's files (DELETE on the status URL) so that runs do not pile them up.
  await exportRequest(statusUrl, token, { method: 'DELETE' });
  return { manifestMs, downloadMs, resources, files: manifest.output.length };
}

/** Runs `runs` exports of the synthetic data one after the other against a fresh emulator process. */
export async function measureBulkExport(options: { quick: boolean }): Promise<ExportBenchResult> {
  const emulator = await startEmulator();
  try {
    const token = await exportingClient(emulator.url);
    const emulatorLoadedRssMb = await peakRssMb(emulator.process);
    const runs = options.quick ? 1 : 5;
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await oneExport(emulator.url, token));
    const manifestTimes = results.map((result) => result.manifestMs);
    return {
      resources: results[0]?.resources ?? 0,
      files: results[0]?.files ?? 0,
      runs,
      kickOffToManifestP50Ms: percentile(manifestTimes, 50),
      kickOffToManifestMaxMs: Math.max(...manifestTimes),
      downloadP50Ms: percentile(
        results.map((result) => result.downloadMs),
        50,
      ),
      emulatorLoadedRssMb,
      emulatorPeakRssMb: await peakRssMb(emulator.process),
    };
  } finally {
    await emulator.process.stop();
  }
}

/** The bench summary's lines for the export. */
export function bulkExportLines(result: ExportBenchResult): string[] {
  const mb = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);
  return [
    `${result.resources} resources in ${result.files} NDJSON files, ${result.runs} run(s) one after the other:`,
    `kick-off → complete manifest p50 ${result.kickOffToManifestP50Ms.toFixed(0)} ms (max ${result.kickOffToManifestMaxMs.toFixed(0)} ms); download of every file p50 ${result.downloadP50Ms.toFixed(0)} ms`,
    `emulator peak RSS: ${mb(result.emulatorLoadedRssMb)} with its data loaded, ${mb(result.emulatorPeakRssMb)} after the exports`,
  ];
}
