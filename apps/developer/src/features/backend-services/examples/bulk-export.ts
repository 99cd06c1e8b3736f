// Bulk export examples (FHIR Bulk Data Access IG v2, as Aidbox serves it: aidbox-docs `docs/api/bulk-api/export.md`),
// filled in with a service's own values. Pure functions returning the text a developer copies: no React here, so that
// a Node test can write the generated scripts to disk and run them, as shown, against the sandbox.
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import { curlClientSecretToken, type EnvironmentName, nodeTokenRequest } from './token-requests.ts';

type BulkExport = NonNullable<EnvironmentStatus['bulkExport']>;

/** What the service page says instead of an example when the scopes allow no export. */
export const NO_EXPORT_SENTENCE =
  "This service's scopes allow no bulk export: exporting a resource type needs both read and search on it " +
  '(v2 rs, v1 read).';

/** Seconds between status checks when the server sends no usable Retry-After. */
const DEFAULT_RETRY_SECONDS = 5;

/**
 * `?_type=...` listing every type the client may export. The derived access policy refuses a kick-off without
 * `_type`, or listing any other type, unless a wildcard scope grants every type (then it may be left out).
 */
function typeQuery(bulkExport: BulkExport): string {
  return bulkExport.allTypes ? '' : `?_type=${bulkExport.types.join(',')}`;
}

/** The kick-off URLs of the three levels, the system level first (the one the examples run). */
export function kickoffUrls(bulkExport: BulkExport): {
  readonly system: string;
  readonly patient: string;
  readonly group: { readonly url: string; readonly sample: boolean };
} {
  const query = typeQuery(bulkExport);
  const sampleGroup = bulkExport.sampleGroupIds[0];
  return {
    system: `${bulkExport.systemUrl}${query}`,
    patient: `${bulkExport.patientUrl}${query}`,
    group: {
      url: `${bulkExport.groupUrlTemplate.replace('{id}', sampleGroup ?? '<group id>')}${query}`,
      sample: sampleGroup !== undefined,
    },
  };
}

/** Comment lines naming the other levels, each with `prefix` (`#` or `//`). */
function otherLevels(bulkExport: BulkExport, prefix: string, quote: (url: string) => string): string[] {
  const urls = kickoffUrls(bulkExport);
  return [
    `${prefix} The other levels: Patient compartments, or the members of a Group${urls.group.sample ? " of the sandbox's sample data" : ''}.`,
    `${prefix}   ${quote(urls.patient)}`,
    `${prefix}   ${quote(urls.group.url)}`,
    ...(bulkExport.allTypes ? [`${prefix} Your scopes cover every type: add ?_type=Patient,Coverage to narrow.`] : []),
  ];
}

/**
 * A bash script: the token (curl with HTTP Basic for a client secret; a private_key_jwt client brings a token in
 * `ACCESS_TOKEN`, since curl cannot sign the assertion), kick-off, polling, and the downloads into a new folder.
 * `node` reads the JSON answers, as in the token example. Null when the scopes allow no export.
 */
export function bulkExportCurlExample(service: BackendService, environment: EnvironmentStatus): string | null {
  const { bulkExport } = environment;
  if (!bulkExport) return null;
  const secret = service.authMethod === 'client_secret';
  const token = secret
    ? curlClientSecretToken(service, environment)
    : [
        '# curl cannot sign the private_key_jwt assertion: get the token with the Node example.',
        'if [ -z "$ACCESS_TOKEN" ]; then echo "Set ACCESS_TOKEN to an access token of this client" >&2; exit 1; fi',
      ];
  const usage = secret
    ? "#   CLIENT_SECRET='<the secret shown when it was issued>' bash bulk-export.sh"
    : "#   ACCESS_TOKEN='<an access token of this client>' bash bulk-export.sh";
  return [
    '# FHIR Bulk Data export with curl (bash; node reads the JSON answers). Save as bulk-export.sh, then:',
    usage,
    `KICKOFF_URL='${kickoffUrls(bulkExport).system}'`,
    ...otherLevels(bulkExport, '#', (url) => `KICKOFF_URL='${url}'`),
    'WORK=$(mktemp -d)',
    'trap \'rm -rf "$WORK"\' EXIT',
    '',
    ...token,
    '',
    '# Kick-off: 202 with the status URL in Content-Location; anything else answers an OperationOutcome.',
    'STATUS=$(curl -sS -o "$WORK/kickoff.json" -D "$WORK/kickoff.headers" -w \'%{http_code}\' \\',
    "  -H \"Authorization: Bearer $ACCESS_TOKEN\" -H 'Accept: application/fhir+json' -H 'Prefer: respond-async' \\",
    '  "$KICKOFF_URL") || exit 1',
    'if [ "$STATUS" != 202 ]; then echo "Kick-off refused ($STATUS):" >&2; cat "$WORK/kickoff.json" >&2; echo >&2; exit 1; fi',
    "STATUS_URL=$(grep -i '^content-location:' \"$WORK/kickoff.headers\" | cut -d' ' -f2- | tr -d '\\r')",
    "# A path alone (as in some of the docs' examples) is on the kick-off's server.",
    'case "$STATUS_URL" in /*) STATUS_URL="$(echo "$KICKOFF_URL" | cut -d/ -f1-3)$STATUS_URL" ;; esac',
    '',
    `# Poll: 202 while running, waiting as long as Retry-After says (${DEFAULT_RETRY_SECONDS} s when it gives no seconds).`,
    'while :; do',
    '  STATUS=$(curl -sS -o "$WORK/status.json" -D "$WORK/status.headers" -w \'%{http_code}\' \\',
    '    -H "Authorization: Bearer $ACCESS_TOKEN" -H \'Accept: application/fhir+json\' "$STATUS_URL") || exit 1',
    '  [ "$STATUS" = 202 ] || break',
    "  RETRY_AFTER=$(grep -i '^retry-after:' \"$WORK/status.headers\" | cut -d' ' -f2 | tr -d '\\r')",
    `  case "$RETRY_AFTER" in '' | *[!0-9]*) RETRY_AFTER=${DEFAULT_RETRY_SECONDS} ;; esac`,
    "  echo \"Running ($(grep -i '^x-progress:' \"$WORK/status.headers\" | cut -d' ' -f2- | tr -d '\\r')); next check in $RETRY_AFTER s\" >&2",
    '  sleep "$RETRY_AFTER"',
    'done',
    'if [ "$STATUS" != 200 ]; then echo "The export failed ($STATUS):" >&2; cat "$WORK/status.json" >&2; echo >&2; exit 1; fi',
    '',
    '# The manifest lists the NDJSON files. Send the token only when requiresAccessToken is true: a pre-signed',
    '# object-storage URL carries its own authorization.',
    'REQUIRES_TOKEN=$(node -p \'require(process.argv[1]).requiresAccessToken === true\' "$WORK/status.json")',
    'download() {',
    '  if [ "$REQUIRES_TOKEN" = true ]; then curl -sS --fail -H "Authorization: Bearer $ACCESS_TOKEN" "$1"; else curl -sS --fail "$1"; fi',
    '}',
    'OUT_DIR=$(mktemp -d bulk-export-XXXXXX)',
    'ERRORS=0',
    'while read -r KIND TYPE URL; do',
    '  if [ "$KIND" = output ]; then',
    '    download "$URL" >> "$OUT_DIR/$TYPE.ndjson" || { echo "Could not download $URL" >&2; exit 1; }',
    '  else',
    '    ERRORS=1; echo "The server reported errors:" >&2; download "$URL" >&2',
    '  fi',
    'done < <(node -e \'const m = require(process.argv[1]); for (const o of m.output) console.log("output", o.type, o.url); for (const e of m.error ?? []) console.log("error", e.type, e.url)\' "$WORK/status.json")',
    'wc -l "$OUT_DIR"/*.ndjson',
    'exit "$ERRORS"',
  ].join('\n');
}

/**
 * A Node script (ES module, Node 20+): the token request of the token example (HTTP Basic, or a private_key_jwt
 * assertion signed with jose), kick-off, polling, and each file streamed to `<folder>/<Type>.ndjson`. Null when the
 * scopes allow no export.
 */
export function bulkExportNodeExample(
  service: BackendService,
  environment: EnvironmentStatus,
  name: EnvironmentName,
  advertised: readonly string[],
): string | null {
  const { bulkExport } = environment;
  if (!bulkExport) return null;
  const token = nodeTokenRequest(service, environment, name, advertised);
  return [
    token.usage('bulk-export.mjs'),
    "import { createWriteStream } from 'node:fs';",
    "import { mkdtemp } from 'node:fs/promises';",
    "import { Readable } from 'node:stream';",
    "import { pipeline } from 'node:stream/promises';",
    ...token.imports,
    '',
    `const kickoffUrl = '${kickoffUrls(bulkExport).system}';`,
    ...otherLevels(bulkExport, '//', (url) => `const kickoffUrl = '${url}';`),
    '',
    ...token.statements,
    "const fhir = { accept: 'application/fhir+json', authorization: 'Bearer ' + accessToken };",
    '',
    '// Kick-off: 202 with the status URL in Content-Location; anything else answers an OperationOutcome.',
    "const kickoff = await fetch(kickoffUrl, { headers: { ...fhir, prefer: 'respond-async' } });",
    "const location = kickoff.headers.get('content-location');",
    'if (kickoff.status !== 202 || !location) {',
    "  console.error('Kick-off refused:', kickoff.status, await kickoff.text());",
    '  process.exit(1);',
    '}',
    'const statusUrl = new URL(location, kickoffUrl);',
    '',
    `// Poll: 202 while running, waiting as long as Retry-After says (${DEFAULT_RETRY_SECONDS} s when it gives no seconds).`,
    'let status = await fetch(statusUrl, { headers: fhir });',
    'while (status.status === 202) {',
    "  const retryAfter = status.headers.get('retry-after') ?? '';",
    `  const seconds = /^\\d+$/.test(retryAfter) ? Number(retryAfter) : ${DEFAULT_RETRY_SECONDS};`,
    "  console.error('Running (' + status.headers.get('x-progress') + '); next check in ' + seconds + ' s');",
    '  await status.body?.cancel();',
    '  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));',
    '  status = await fetch(statusUrl, { headers: fhir });',
    '}',
    'if (status.status !== 200) {',
    "  console.error('The export failed:', status.status, await status.text());",
    '  process.exit(1);',
    '}',
    '',
    '// The manifest lists the NDJSON files. Send the token only when requiresAccessToken is true: a pre-signed',
    '// object-storage URL carries its own authorization.',
    'const manifest = await status.json();',
    'const download = async (url) => {',
    '  const headers = manifest.requiresAccessToken ? { authorization: fhir.authorization } : {};',
    '  const response = await fetch(url, { headers });',
    "  if (!response.ok) throw new Error('Could not download ' + url + ': ' + response.status);",
    '  return response;',
    '};',
    "const folder = await mkdtemp('bulk-export-');",
    'for (const file of manifest.output) {',
    "  const path = folder + '/' + file.type + '.ndjson';",
    '  // Streamed to disk, one resource per line: an export may be far larger than memory.',
    "  await pipeline(Readable.fromWeb((await download(file.url)).body), createWriteStream(path, { flags: 'a' }));",
    "  console.log('Wrote ' + file.count + ' ' + file.type + ' to ' + path);",
    '}',
    'for (const file of manifest.error ?? []) {',
    "  console.error('The server reported errors:', await (await download(file.url)).text());",
    '  process.exitCode = 1;',
    '}',
  ].join('\n');
}
