/**
 * The emulator's object store for bulk export files: a temporary directory per emulator (removed when it closes),
 * one folder per job, and signed download URLs standing for the S3/MinIO, GCS or Azure presigned URLs Aidbox hands
 * out ("the status endpoint provides signed URLs to download the exported files from your configured cloud
 * storage", aidbox-docs `docs/api/bulk-api/export.md`). A URL carries its expiry and an HMAC-SHA256 over the job, the
 * file and the expiry, keyed with a secret made at start: a changed path, a changed expiry or a URL of another
 * emulator fails the check, as a tampered presigned URL does (403).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EXPIRES_PARAM = 'X-Emulator-Expires';
export const SIGNATURE_PARAM = 'X-Emulator-Signature';

/** Job folders are UUIDs and files `<Type>.ndjson`: nothing else is ever a path in the store. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE_NAME = /^[A-Z][A-Za-z]{1,63}\.ndjson$/;

export function isStoragePath(jobId: string, file: string): boolean {
  return JOB_ID.test(jobId) && FILE_NAME.test(file);
}

export class ExportStorage {
  readonly #key = randomBytes(32);
  #root: Promise<string> | undefined;
  #closed = false;

  /** The job's folder, made on first use. */
  async jobFolder(jobId: string): Promise<string> {
    if (this.#closed) throw new Error('the export storage is closed');
    this.#root ??= mkdtemp(join(tmpdir(), 'aidbox-emulator-export-'));
    const folder = join(await this.#root, jobId);
    await mkdir(folder, { recursive: true });
    return folder;
  }

  /** Where a stored file is; undefined before any job wrote a file. Callers check `isStoragePath` first. */
  async filePath(jobId: string, file: string): Promise<string | undefined> {
    return this.#root && join(await this.#root, jobId, file);
  }

  /** Removes a job's files (cancelled or expired). */
  async remove(jobId: string): Promise<void> {
    if (this.#root) await rm(join(await this.#root, jobId), { recursive: true, force: true });
  }

  /** Removes every file; the store takes no more. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#root) await rm(await this.#root, { recursive: true, force: true });
  }

  /** `<public base>/bulk-storage/<job>/<file>?X-Emulator-Expires=<unix s>&X-Emulator-Signature=<hex>`. */
  signedUrl(publicBase: string, jobId: string, file: string, expiresAtMs: number): string {
    const expires = String(Math.floor(expiresAtMs / 1000));
    const query = new URLSearchParams({
      [EXPIRES_PARAM]: expires,
      [SIGNATURE_PARAM]: this.#sign(jobId, file, expires),
    });
    return `${publicBase}/bulk-storage/${jobId}/${file}?${query}`;
  }

  /** Whether a download's signature is this store's for that job, file and expiry, and the expiry is still ahead. */
  signatureValid(jobId: string, file: string, query: URLSearchParams, nowMs: number): boolean {
    const expires = query.get(EXPIRES_PARAM) ?? '';
    const given = Buffer.from(query.get(SIGNATURE_PARAM) ?? '', 'utf8');
    const expected = Buffer.from(this.#sign(jobId, file, expires), 'utf8');
    const signed = given.length === expected.length && timingSafeEqual(given, expected);
    return signed && /^\d{1,12}$/.test(expires) && Number(expires) * 1000 > nowMs;
  }

  #sign(jobId: string, file: string, expires: string): string {
    return createHmac('sha256', this.#key).update(`${jobId}/${file}\n${expires}`).digest('hex');
  }
}
