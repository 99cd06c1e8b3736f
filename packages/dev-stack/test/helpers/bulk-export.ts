// A bulk export as a partner's server runs one, through the conformance check's client (`@payerbox/aidbox-check`):
// kick-off, polling as Retry-After says, and the files read line by line.
import { type ExportManifest, exportRequest, pollExport } from '@payerbox/aidbox-check';

export { downloadWithoutToken, type ExportManifest, readExportFile } from '@payerbox/aidbox-check';

/** The kick-off's status and, when accepted (202), the status URL it answered with in `Content-Location`. */
export async function kickOffExport(url: string, accessToken: string): Promise<{ status: number; statusUrl?: string }> {
  const answer = await exportRequest(url, accessToken);
  const location = answer.headers.get('content-location');
  return { status: answer.status, ...(location !== null && { statusUrl: new URL(location, url).href }) };
}

/** Polls until the export completes and answers its manifest; throws on any other end. */
export async function waitForExportManifest(statusUrl: string, accessToken: string): Promise<ExportManifest> {
  const { answer } = await pollExport(statusUrl, accessToken, { maxWaitMs: 30_000 });
  if (answer.status !== 200) throw new Error(`${statusUrl} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as ExportManifest;
}

/** Every resource of one output file (test data only: a real export is read line by line, never held). */
export async function exportedResources(url: string, accessToken: string): Promise<Record<string, any>[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
