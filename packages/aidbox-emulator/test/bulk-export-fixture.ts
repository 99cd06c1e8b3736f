// Bulk export test helpers: clients with export policies shaped like the portal's (issue #18 contract: kick-off by
// method and anchored uri with `_type` bounded by a regex, status and cancel by uri, `_aidbox` refused), kick-off,
// polling and downloads over real HTTP.
import { randomUUID } from 'node:crypto';
import { type Answer, call, type Harness, uniqueId } from './emulator-fixture.ts';

/** The kick-off headers the Bulk Data IG asks for. */
export const ASYNC = { accept: 'application/fhir+json', prefer: 'respond-async' };

export interface ExportClientOptions {
  /** The types the client may export; undefined for a wildcard client (`_type` optional, any type). */
  types?: string[];
  /** The FHIR base path the policy allows, `/fhir` (default) or `/Organization/<id>/fhir`. */
  base?: string;
  /** The Client resource's extra fields (e.g. an organization binding in `meta`). */
  client?: Record<string, unknown>;
  /** Also allow POST kick-offs (the portal does not). */
  post?: boolean;
}

export interface ExportClient {
  id: string;
  secret: string;
  token(): Promise<string>;
}

const escapeRegex = (text: string) => text.replace(/[^A-Za-z0-9/]/g, '\\$&');

/** The matcho policy of an export client (as the portal derives it). */
export function exportPolicy(clientId: string, options: ExportClientOptions = {}) {
  const base = escapeRegex(options.base ?? '/fhir');
  const client = { id: clientId, active: true };
  const list = options.types?.join('|');
  const kickOff = (uri: string, method: string) => ({
    client,
    'request-method': method,
    uri: `#^${base}/${uri}$`,
    ...(list !== undefined && { params: { _type: `#^(${list})(,(${list}))*$` } }),
    'query-string': { $not: '#_aidbox' },
  });
  const kickOffs = ['\\$export', 'Patient/\\$export', 'Group/[A-Za-z0-9\\-.]{1,64}/\\$export'];
  return {
    '$one-of': [
      ...kickOffs.map((uri) => kickOff(uri, 'get')),
      ...(options.post
        ? kickOffs.slice(1).map((uri) => ({ client, 'request-method': 'post', uri: `#^${base}/${uri}$` }))
        : []),
      { client, 'request-method': { $enum: ['get', 'delete'] }, uri: `#^${base}/\\$export-status/[^/]+$` },
    ],
  };
}

/** A client_credentials client with an export policy. */
export async function exportClient(aidbox: Harness, options: ExportClientOptions = {}): Promise<ExportClient> {
  const id = uniqueId('svc');
  const secret = `secret-${randomUUID()}`;
  await aidbox.putClient(id, {
    active: true,
    secret,
    grant_types: ['client_credentials'],
    auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
    ...options.client,
  });
  await aidbox.putPolicy(`${id}-export`, {
    engine: 'matcho',
    link: [{ resourceType: 'Client', id }],
    matcho: exportPolicy(id, options),
  });
  return {
    id,
    secret,
    async token() {
      const form = { grant_type: 'client_credentials', client_id: id, client_secret: secret };
      const answer = await aidbox.token(form);
      if (answer.status !== 200) throw new Error(`token: ${JSON.stringify(answer.body)}`);
      return answer.body.access_token as string;
    },
  };
}

/** A kick-off (GET unless a body is given) to `<emulator><path>`, with the async headers unless replaced. */
export function kickOff(
  aidbox: Harness,
  path: string,
  token: string | undefined,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...ASYNC, ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/fhir+json';
  return call(`${aidbox.url}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers,
    ...(options.body !== undefined && { body: options.body }),
  });
}

/** Polls a status URL until it is no longer 202 (a completed export over the sample data takes a few polls). */
export async function poll(statusUrl: string, token: string): Promise<Answer> {
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    const answer = await call(statusUrl, { headers: { authorization: `Bearer ${token}` } });
    if (answer.status !== 202) return answer;
  }
  throw new Error(`${statusUrl} still running after 10,000 polls`);
}

/** Kicks off and answers the completed manifest; fails unless the kick-off is accepted and the export completes. */
export async function exportManifest(aidbox: Harness, path: string, token: string): Promise<any> {
  const accepted = await kickOff(aidbox, path, token);
  if (accepted.status !== 202) throw new Error(`kick-off ${path}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const done = await poll(accepted.headers.get('content-location') ?? '', token);
  if (done.status !== 200) throw new Error(`status: ${done.status} ${JSON.stringify(done.body)}`);
  return done.body;
}

export interface Download {
  status: number;
  contentType: string | null;
  text: string;
}

/** GETs an output URL, with a bearer token when given (any other header when given instead). */
export async function download(url: string, token?: string, headers: Record<string, string> = {}): Promise<Download> {
  const response = await fetch(url, { headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers } });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Every resource of every output file, downloaded with the token; fails on any line that is not a JSON object. */
export async function exportedResources(manifest: any, token: string): Promise<Record<string, any>[]> {
  const resources: Record<string, any>[] = [];
  for (const output of manifest.output) {
    const file = await download(output.url, token);
    if (file.status !== 200) throw new Error(`download ${output.type}: ${file.status} ${file.text}`);
    const lines = file.text.split('\n');
    if (lines.pop() !== '') throw new Error('an NDJSON file ends with a newline');
    resources.push(...lines.map((line) => JSON.parse(line)));
  }
  return resources;
}

/** How many resources of each type, e.g. `{ Patient: 5 }`. */
export function countByType(resources: readonly Record<string, any>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.resourceType] = (counts[resource.resourceType] ?? 0) + 1;
  return counts;
}
