/**
 * FHIR Bulk Data export (aidbox-docs `docs/api/bulk-api/export.md`, "AD export"; payerbox-docs
 * `docs/api-reference/operations/davinci-data-export.md`, "PB export"), on the root base and, with OrgBAC, on every
 * organization base (AD `docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md`
 * lists `/Organization/<org-id>/fhir/$export`, `.../Group/<id>/$export` and `.../$export-status/<id>`):
 *
 * - kick-off `GET <base>/$export`, `GET|POST <base>/Patient/$export`, `GET|POST <base>/Group/<id>/$export` (POST with
 *   a Parameters body "for patient-level and group-level exports" only): `Prefer: respond-async` is required (400
 *   without, Bulk Data IG kick-off headers); 202 with `Content-Location: <base>/$export-status/<id>`;
 * - status `GET <base>/$export-status/<id>`: 202 with `X-Progress` and `Retry-After` while running, 200 with the
 *   manifest, 500 with a `BulkExportStatus` when the job failed, 404 when unknown or expired (PB export, "Status");
 * - cancel `DELETE <base>/$export-status/<id>`: 202 (AD export), 404 unknown;
 * - files `GET /bulk-storage/<job>/<Type>.ndjson?<signature>` (`export-storage.ts`): not a FHIR request, so no
 *   AccessPolicy; the signature guards it (403 when wrong or expired) and, when the manifest says
 *   `requiresAccessToken: true`, the Bearer token of the client that started the export, still active (401 without a
 *   valid token, 403 for another client or an inactive or deleted one).
 *
 * Kick-off, status and cancel pass the FHIR gate (`fhir-routes.ts`): an active client's token, then AccessPolicies,
 * under operation ids no doc names (`emulator-unverified-id:export`, `:export-status`, `:export-cancel`,
 * configurable as `unverifiedOperationIds`). A smart-app token (`atv: 2`) may export only types its scopes allow to
 * read and search: naming another in `_type` is 403; without `_type` the export holds only those types (the docs do
 * not say how Aidbox applies scopes to an export; this is the fail-safe reading of the "a client with
 * `system/Patient.rs` never receives Observations").
 *
 * A job belongs to the client that started it and to the base it was started on: another client, or the same job id
 * on another base, gets 404, as an unknown job does (the docs do not say whether another client may poll a job; the
 * fail-safe answer is no, and a 404 does not tell that the job exists).
 */
import { open } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateBasic } from './callers.ts';
import { isActiveClient } from './client-resource.ts';
import type { EmulatorContext } from './emulator-context.ts';
import type { ExportJob, JobOwner } from './export-jobs.ts';
import { type ExportLevel, type ExportParameters, parametersFromBody, parametersFromQuery } from './export-request.ts';
import { planExport } from './export-selection.ts';
import { isStoragePath } from './export-storage.ts';
import type { FhirApi, FhirBase, FhirCaller } from './fhir-routes.ts';
import { isJsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import { queryOf } from './request-helpers.ts';
import { scopesAllow } from './smart-scopes.ts';

interface KickOffParams {
  org?: string;
  group?: string;
}

interface StatusParams {
  org?: string;
  job: string;
}

export function registerExportRoutes(app: FastifyInstance, context: EmulatorContext, prefix: string, api: FhirApi) {
  const { onRequest, allow } = api;

  const kickOff =
    (level: ExportLevel) => async (request: FastifyRequest<{ Params: KickOffParams }>, reply: FastifyReply) => {
      const post = request.method === 'POST';
      const { base, caller } = allow(request, 'export', undefined, post ? request.body : undefined);
      if (!/(^|[\s,;])respond-async($|[\s,;])/.test(String(request.headers.prefer ?? ''))) {
        throw new OutcomeError(400, 'invalid', 'A bulk export kick-off needs the header Prefer: respond-async');
      }
      const query = queryOf(request);
      const parameters = post ? parametersFromBody(request.body) : parametersFromQuery(level, query);
      if (post && [...query.keys()].some((name) => !name.startsWith('_aidbox.'))) {
        throw new OutcomeError(400, 'not-supported', 'A POST $export takes its parameters in the body only');
      }
      const mayExport = scopedTypes(caller);
      const refused = parameters.types?.filter((type) => mayExport && !mayExport(type)) ?? [];
      if (refused.length > 0) {
        throw new OutcomeError(403, 'forbidden', `Access denied: the token's scopes do not allow exporting ${refused}`);
      }
      const groupMembers = level === 'group' ? membersOf(context, base, request.params.group ?? '') : undefined;
      requireKnownPatients(context, base, parameters, groupMembers);
      const job = context.exports.jobs.start({
        owner: ownerOf(caller),
        baseUrl: base.url,
        request: `${context.baseUrl}${request.url}`,
        plan: (transactionTime) =>
          planExport(
            context.store,
            {
              level,
              parameters,
              compartment: base.compartment,
              ...(groupMembers && { groupMembers }),
              ...(mayExport && { mayExport }),
            },
            transactionTime,
          ),
      });
      return reply.code(202).header('content-location', `${base.url}/$export-status/${job.id}`).send();
    };

  app.get<{ Params: KickOffParams }>(`${prefix}/$export`, { onRequest }, kickOff('system'));
  app.get<{ Params: KickOffParams }>(`${prefix}/Patient/$export`, { onRequest }, kickOff('patient'));
  app.post<{ Params: KickOffParams }>(`${prefix}/Patient/$export`, { onRequest }, kickOff('patient'));
  app.get<{ Params: KickOffParams }>(`${prefix}/Group/:group/$export`, { onRequest }, kickOff('group'));
  app.post<{ Params: KickOffParams }>(`${prefix}/Group/:group/$export`, { onRequest }, kickOff('group'));

  app.get<{ Params: StatusParams }>(`${prefix}/$export-status/:job`, { onRequest }, async (request, reply) => {
    const { base, caller } = allow(request, 'export-status');
    const job = ownedJob(context, base, caller, request.params.job);
    switch (job.state) {
      case 'in-progress':
        return reply
          .code(202)
          .headers({
            'x-progress': `in-progress ${job.typesDone}/${job.typesTotal} types`,
            'retry-after': String(context.exports.retryAfterSeconds),
          })
          .send();
      case 'failed':
        // PB export: "failed | 500 | BulkExportStatus resource carrying status="error" and an
        // extension[BulkExportStatus.internal-error]".
        return reply.code(500).send({
          resourceType: 'BulkExportStatus',
          id: job.id,
          status: 'error',
          request: job.request,
          extension: [{ url: 'urn:url:extension:BulkExportStatus.internal-error', valueString: job.failure ?? '' }],
        });
      case 'completed':
        return reply.code(200).type('application/json').send(manifest(context, job));
    }
  });

  app.delete<{ Params: StatusParams }>(`${prefix}/$export-status/:job`, { onRequest }, async (request, reply) => {
    const { base, caller } = allow(request, 'export-cancel');
    const job = ownedJob(context, base, caller, request.params.job);
    // Answered once the job has stopped and its files are gone: a client that saw 202 finds nothing left.
    await context.exports.jobs.cancel(job.id);
    return reply.code(202).send();
  });
}

/** Downloads of export files by their signed URLs. */
export function registerExportDownloads(app: FastifyInstance, context: EmulatorContext): void {
  app.get<{ Params: { job: string; file: string } }>('/bulk-storage/:job/:file', async (request, reply) => {
    const { job: jobId, file } = request.params;
    const { jobs, storage, now } = context.exports;
    if (!isStoragePath(jobId, file)) throw new OutcomeError(404, 'not-found', 'No such file');
    if (!storage.signatureValid(jobId, file, queryOf(request), now())) {
      throw new OutcomeError(403, 'forbidden', 'The signature is not valid or has expired');
    }
    const job = jobs.find(jobId);
    const path = job?.outputs.some((output) => output.file === file) && (await storage.filePath(jobId, file));
    if (!job || !path) throw new OutcomeError(404, 'not-found', 'No such file (the export was cancelled or expired)');
    if (context.exports.requiresAccessToken)
      await requireOwnersToken(context, job.owner, request.headers.authorization);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch {
      throw new OutcomeError(404, 'not-found', 'No such file (the export was cancelled or expired)');
    }
    // Streamed from disk: the file is never read whole.
    return reply.type('application/fhir+ndjson').send(handle.createReadStream());
  });
}

/** The completion manifest (Bulk Data IG "Response - Complete Status"; AD export and PB export examples). */
function manifest(context: EmulatorContext, job: ExportJob) {
  const expiresAt = context.exports.jobs.expiresAt(job);
  return {
    // AD export's examples carry `status: "completed"` besides the IG's fields.
    status: 'completed',
    transactionTime: new Date(job.transactionTime).toISOString(),
    request: job.request,
    requiresAccessToken: context.exports.requiresAccessToken,
    output: job.outputs.map(({ type, file, count }) => ({
      type,
      url: context.exports.storage.signedUrl(context.baseUrl, job.id, file, expiresAt),
      count,
    })),
    error: [],
    deleted: [],
  };
}

/** The job, if this caller started it on this base; 404 otherwise (unknown, expired, another's or another base's). */
function ownedJob(context: EmulatorContext, base: FhirBase, caller: FhirCaller, id: string): ExportJob {
  const job = context.exports.jobs.find(id);
  const owner = ownerOf(caller);
  const same =
    job !== undefined &&
    job.baseUrl === base.url &&
    (owner.kind === 'admin'
      ? job.owner.kind === 'admin'
      : job.owner.kind === 'client' && job.owner.clientId === owner.clientId);
  if (!job || !same) throw new OutcomeError(404, 'not-found', `No export ${id} (unknown or expired)`);
  return job;
}

function ownerOf(caller: FhirCaller): JobOwner {
  return caller.kind === 'admin' ? { kind: 'admin' } : { kind: 'client', clientId: String(caller.client.resource.id) };
}

/** For a smart-app token, the types its scopes allow to read and search; undefined when policies alone decide. */
function scopedTypes(caller: FhirCaller): ((type: string) => boolean) | undefined {
  if (caller.kind !== 'client' || caller.claims?.atv !== 2) return undefined;
  const scopes = (caller.claims.scope ?? '').split(' ').filter((scope) => scope !== '');
  return (type) => scopesAllow(scopes, type, ['r', 's']);
}

/**
 * The Patient ids a Group lists (`member[].entity` references `Patient/<id>`); 404 when the Group does not exist or,
 * on an organization base, is not visible there (PB export: "404 | Kick-off | Group/<id> not found"; 404 rather than
 * a read's 403, so that a kick-off does not tell another organization's groups exist). A Group shared down or
 * system-shared may be exported through a base that sees it; its export still holds only that base's own patients.
 */
function membersOf(context: EmulatorContext, base: FhirBase, groupId: string): string[] {
  const group = context.store.get('Group', groupId)?.resource;
  if (!group || (base.compartment && !base.compartment.canRead(group))) {
    throw new OutcomeError(404, 'not-found', `Resource Group/${groupId} not found`);
  }
  const members = Array.isArray(group.member) ? group.member : [];
  return members.flatMap((member) => {
    const reference = isJsonObject(member) && isJsonObject(member.entity) ? member.entity.reference : undefined;
    const id = typeof reference === 'string' ? /^Patient\/([A-Za-z0-9.-]{1,64})$/.exec(reference)?.[1] : undefined;
    return id === undefined ? [] : [id];
  });
}

/**
 * "Invalid `patient` references — malformed input, a non-existent Patient, or a Patient that is not a member of the
 * requested Group — return 422 by default" (AD export). On an organization base, another organization's Patient
 * counts as non-existent.
 */
function requireKnownPatients(
  context: EmulatorContext,
  base: FhirBase,
  parameters: ExportParameters,
  groupMembers: readonly string[] | undefined,
): void {
  for (const id of parameters.patients ?? []) {
    const patient = context.store.get('Patient', id)?.resource;
    const visible = patient !== undefined && (base.compartment?.owns(patient) ?? true);
    if (!visible || (groupMembers && !groupMembers.includes(id))) {
      throw new OutcomeError(422, 'invalid', `patient ${id} does not exist or is not a member of the group`);
    }
  }
}

/**
 * `requiresAccessToken: true`: "an access token is required to download the exported files" (AD
 * `core-module-resources.md`, BulkExportStatus.requiresAccessToken); the emulator requires the token of the client
 * that started the export, checked against the Client as stored now: 401 without a valid token, 403 for another
 * client, or when that client has since been deactivated or deleted. A job the admin started needs the admin's Basic.
 */
async function requireOwnersToken(context: EmulatorContext, owner: JobOwner, authorization: string | undefined) {
  const unauthenticated = () =>
    new OutcomeError(401, 'security', 'This file requires the access token of the client that started the export', {
      'www-authenticate': 'Bearer realm="aidbox"',
    });
  if (owner.kind === 'admin') {
    if (!/^Basic\s/i.test(authorization ?? '')) throw unauthenticated();
    if (authenticateBasic(context, authorization).kind !== 'root') {
      throw new OutcomeError(403, 'forbidden', 'Only the client that started the export may download its files');
    }
    return;
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const claims = token === undefined ? undefined : await context.signer.verify(token, context.baseUrl);
  if (!claims) throw unauthenticated();
  const client = context.store.get('Client', claims.client_id);
  if (claims.client_id !== owner.clientId || !client || !isActiveClient(client.resource)) {
    throw new OutcomeError(403, 'forbidden', 'Only the active client that started the export may download its files');
  }
}
