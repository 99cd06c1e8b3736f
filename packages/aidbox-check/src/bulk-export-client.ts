/**
 * A FHIR Bulk Data client as a partner's server runs one (HL7 Bulk Data Access IG; aidbox-docs
 * `docs/api/bulk-api/export.md`): kick-off with `Prefer: respond-async`, polling the status URL as `Retry-After` says
 * (bounded), the completion manifest, and the files, streamed line by line so that nothing of an export is kept.
 */

const TIMEOUT_MS = 15_000;

export interface ExportAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One export request (kick-off, status or cancel) with the client's token. */
export async function exportRequest(
  url: string,
  accessToken: string,
  init: { method?: string; body?: unknown } = {},
): Promise<ExportAnswer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/fhir+json',
      prefer: 'respond-async',
      ...(init.body !== undefined && { 'content-type': 'application/fhir+json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: kept as text for the observation
  }
  return { status: response.status, headers: response.headers, body };
}

/** The completion manifest (export.md, "Response (completed)"). */
export interface ExportManifest {
  readonly transactionTime?: string;
  readonly request?: string;
  readonly requiresAccessToken?: boolean;
  readonly output?: readonly { readonly type?: string; readonly url?: string; readonly count?: number }[];
  readonly error?: readonly unknown[];
}

export interface PollLimits {
  /** How long to poll at most. */
  readonly maxWaitMs: number;
}

/** Seconds of `Retry-After` (export.md, status: 202 "while running"), kept between 1 and 30 s. */
function retryAfterMs(headers: Headers): number {
  const seconds = Number(headers.get('retry-after'));
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 1), 30) * 1000;
}

/**
 * Polls `statusUrl` while it answers 202, waiting what `Retry-After` asks, until any other answer or `maxWaitMs`;
 * answers the last answer and how many polls it took.
 */
export async function pollExport(
  statusUrl: string,
  accessToken: string,
  limits: PollLimits,
): Promise<{ answer: ExportAnswer; polls: number }> {
  const deadline = Date.now() + limits.maxWaitMs;
  let polls = 1;
  let answer = await exportRequest(statusUrl, accessToken);
  while (answer.status === 202) {
    const wait = retryAfterMs(answer.headers);
    if (Date.now() + wait > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
    polls += 1;
    answer = await exportRequest(statusUrl, accessToken);
  }
  return { answer, polls };
}

export interface FileReading {
  readonly status: number;
  /** Lines read (0 unless 200). */
  readonly lines: number;
  /** Resource types found, with how many lines each. */
  readonly types: Readonly<Record<string, number>>;
  /** Lines that are not a JSON object with a `resourceType`. */
  readonly unparsable: number;
}

/**
 * Downloads one output file (with the token when the manifest requires it) and reads it as NDJSON, one resource per
 * line, counting types only: a file is streamed and nothing of it is kept, since a real server's export holds real
 * data.
 */
export async function readExportFile(url: string, accessToken: string | undefined): Promise<FileReading> {
  const response = await fetch(url, {
    headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` },
    redirect: 'follow',
    signal: AbortSignal.timeout(5 * 60_000),
  });
  const types: Record<string, number> = {};
  let lines = 0;
  let unparsable = 0;
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    return { status: response.status, lines, types, unparsable };
  }
  const count = (line: string) => {
    if (line.trim() === '') return;
    lines += 1;
    try {
      const resource = JSON.parse(line) as { resourceType?: unknown };
      const type = typeof resource.resourceType === 'string' ? resource.resourceType : undefined;
      if (type === undefined) unparsable += 1;
      else types[type] = (types[type] ?? 0) + 1;
    } catch {
      unparsable += 1;
    }
  };
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of response.body) {
    rest += decoder.decode(chunk as Uint8Array, { stream: true });
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    parts.forEach(count);
  }
  count(rest + decoder.decode());
  return { status: response.status, lines, types, unparsable };
}

/** Whether a download without any token is refused (the emulator's `requiresAccessToken: true` files). */
export async function downloadWithoutToken(url: string): Promise<number> {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.body?.cancel();
  return response.status;
}
