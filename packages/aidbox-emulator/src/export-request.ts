/**
 * The parameters of a bulk export kick-off, as aidbox-docs `docs/api/bulk-api/export.md` § "Parameters" names them:
 * query parameters on GET, a `Parameters` body on POST (patient and group levels only, § "POST with a Parameters
 * body"). The emulator implements `_type`, `_since`, `_until`, `_outputFormat` and `patient`; the other documented
 * names (`_typeFilter`, `_elements`, `onPatientError`, consent filtering) and any unknown name are refused rather than
 * ignored, so that a caller relying on one learns it here: 400 on GET (the contract; Aidbox's docs only say
 * what POST answers), 422 in a POST body ("an unrecognized parameter name (`unmatched-element-in-closed-slicing`)").
 * `_aidbox.*` storage overrides (§ "Overriding storage per request", 2605+) are accepted and ignored: the emulator has
 * one local store.
 */
import { isFhirResourceType } from './fhir-resource-types.ts';
import { isJsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';

export type ExportLevel = 'system' | 'patient' | 'group';

export interface ExportParameters {
  /** The types asked for, in the order given (duplicates dropped); undefined when `_type` is absent. */
  readonly types?: readonly string[];
  /** `_since`: only resources whose `meta.lastUpdated` is after it (`ts > _since`), in epoch milliseconds. */
  readonly since?: number;
  /** `_until`: only resources whose `meta.lastUpdated` is before it (`ts < _until`), in epoch milliseconds. */
  readonly until?: number;
  /** `patient`: the patient ids the export is restricted to. */
  readonly patients?: readonly string[];
}

/**
 * `_outputFormat` values that mean NDJSON: the canonical `application/fhir+ndjson` and the aliases the Bulk Data IG
 * lets servers accept (`application/ndjson`, `ndjson`). `application/fhir+ndjson+gzip`, which Aidbox also writes,
 * is not emulated (400).
 */
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

const STORAGE_OVERRIDE = /^_aidbox\./;

/** The parameters of a GET kick-off; 400 for anything the emulator does not implement. */
export function parametersFromQuery(level: ExportLevel, query: URLSearchParams): ExportParameters {
  const values = new Map<string, string[]>();
  for (const [name, value] of query) {
    if (STORAGE_OVERRIDE.test(name)) continue;
    if (!['_type', '_since', '_until', '_outputFormat', 'patient'].includes(name)) {
      throw new OutcomeError(400, 'not-supported', `The emulator's $export does not support the parameter ${name}`);
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  // "`patient` ... GET: comma-separated patient ids ... Supported only on patient-level GET" (export.md).
  if (values.has('patient') && level !== 'patient') {
    throw new OutcomeError(400, 'not-supported', 'The patient parameter is supported on patient-level GET only');
  }
  return parameters(values, 400);
}

/** The parameters of a POST kick-off's `Parameters` body (patient and group levels); 422 for a bad body. */
export function parametersFromBody(body: unknown): ExportParameters {
  if (!isJsonObject(body) || body.resourceType !== 'Parameters') {
    throw new OutcomeError(422, 'invalid', 'A POST $export takes a Parameters resource');
  }
  const values = new Map<string, string[]>();
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'string') throw invalidPart(name);
    values.set(name, [...(values.get(name) ?? []), value]);
  };
  for (const part of Array.isArray(body.parameter) ? body.parameter : []) {
    const name = isJsonObject(part) && typeof part.name === 'string' ? part.name : '';
    if (STORAGE_OVERRIDE.test(name)) continue;
    if (!isJsonObject(part)) throw invalidPart(name);
    switch (name) {
      case '_type':
      case '_outputFormat':
        add(name, part.valueString);
        break;
      case '_since':
      case '_until':
        add(name, part.valueInstant);
        break;
      case 'patient': {
        const reference = isJsonObject(part.valueReference) ? part.valueReference.reference : undefined;
        const id = typeof reference === 'string' ? /^Patient\/([A-Za-z0-9.-]{1,64})$/.exec(reference)?.[1] : undefined;
        if (id === undefined) throw new OutcomeError(422, 'invalid', 'patient takes valueReference Patient/<id>');
        add(name, id);
        break;
      }
      default:
        throw new OutcomeError(422, 'invalid', `unmatched-element-in-closed-slicing: ${name || '(no name)'}`);
    }
  }
  // "Aidbox joins all `_type` values into one comma-separated list" (export.md); so does `parameters`.
  return parameters(values, 422);
}

function invalidPart(name: string): OutcomeError {
  return new OutcomeError(422, 'invalid', `wrong-union-type: ${name || 'a parameter without a name'}`);
}

function parameters(values: ReadonlyMap<string, readonly string[]>, status: 400 | 422): ExportParameters {
  const list = (name: string) =>
    values.has(name)
      ? [
          ...new Set(
            (values.get(name) ?? [])
              .flatMap((value) => value.split(','))
              .map((item) => item.trim())
              .filter((item) => item !== ''),
          ),
        ]
      : undefined;
  const types = list('_type');
  const unknown = types?.filter((type) => !isFhirResourceType(type)) ?? [];
  if (unknown.length > 0) throw new OutcomeError(status, 'not-supported', `Unknown resource type: ${unknown.join()}`);
  for (const format of values.get('_outputFormat') ?? []) {
    if (!NDJSON_FORMATS.has(format)) {
      throw new OutcomeError(
        status,
        'not-supported',
        `The emulator writes only application/fhir+ndjson, not ${format}`,
      );
    }
  }
  const since = instant(values, '_since', status);
  const until = instant(values, '_until', status);
  const patients = list('patient');
  return {
    ...(types !== undefined && { types }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    ...(patients !== undefined && { patients }),
  };
}

/** One FHIR instant (or date-time with a zone); anything else is refused rather than read loosely. */
function instant(values: ReadonlyMap<string, readonly string[]>, name: string, status: 400 | 422): number | undefined {
  const given = values.get(name);
  if (given === undefined) return undefined;
  const [text, extra] = given;
  const time =
    extra === undefined && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text ?? '')
      ? Date.parse(text ?? '')
      : Number.NaN;
  if (Number.isNaN(time)) throw new OutcomeError(status, 'invalid', `${name} must be one FHIR instant`);
  return time;
}
