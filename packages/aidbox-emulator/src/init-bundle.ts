/**
 * The init bundle, which Aidbox applies when it starts (`BOX_INIT_BUNDLE`, `docs/configuration/init-bundle.md`): the
 * emulator reads the same template files `docker-compose.yml` gives a real Aidbox, so that both start with the same
 * Clients and AccessPolicies.
 *
 * - Placeholders `${NAME}` are replaced by the given values first, as is, the way the container's `envsubst` does it
 *   (`docs/deployment-and-maintenance/deploy-aidbox/how-to-inject-env-variables-into-init-bundle.md`: "Aidbox load
 *   Init Bundle content as is"). A placeholder left without a value stops the start: a real container would put an
 *   empty string there (an empty secret), which must never happen silently.
 * - "Only JSON format is supported"; the bundle must be a transaction ("Unsuccessful execution of the init bundle of
 *   type transaction prevents Aidbox from starting"): any entry that fails stops the emulator from starting. The
 *   emulator runs PUT and DELETE entries, which is what the portal's bundles hold; batch bundles are not emulated.
 * - It "is equivalent to executing Bundle in Aidbox using `POST /fhir`": entries are stored as written (FHIR format,
 *   e.g. `link: [{reference: "Client/x"}]`), checked as the admin API checks a PUT of the same resource.
 */
import { readFile } from 'node:fs/promises';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { InitBundleOptions } from './options.ts';
import { ADMIN_KINDS, FHIR_KIND } from './resource-kinds.ts';
import { deleteResource, updateResource } from './resource-operations.ts';
import type { ResourceStore } from './resource-store.ts';

/** An init bundle that cannot be read or applied; the emulator does not start. */
export class InitBundleError extends Error {
  override name = 'InitBundleError';
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Reads a template, fills in its placeholders and parses it. */
export async function readInitBundle(options: InitBundleOptions): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(options.path, 'utf8');
  } catch (error) {
    throw new InitBundleError(`the init bundle ${options.path} cannot be read`, { cause: error });
  }
  const variables = options.variables ?? {};
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = variables[name];
    if (value === undefined || value === '') missing.add(name);
    return value ?? placeholder;
  });
  if (missing.size > 0) {
    throw new InitBundleError(`the init bundle ${options.path} needs a value for ${[...missing].join(', ')}`);
  }
  try {
    return JSON.parse(filled) as JsonObject;
  } catch (error) {
    // A value with `"` or `\` breaks the JSON, as it would in the container: Aidbox would not start either.
    throw new InitBundleError(`the init bundle ${options.path} is not JSON once filled in`, { cause: error });
  }
}

/** Applies a transaction bundle's entries in order; throws an InitBundleError naming the first that fails. */
export function applyInitBundle(store: ResourceStore, bundle: JsonObject): void {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction' || !Array.isArray(bundle.entry)) {
    throw new InitBundleError('the init bundle must be a Bundle of type transaction with entries');
  }
  bundle.entry.forEach((entry, index) => {
    try {
      applyEntry(store, entry);
    } catch (error) {
      const reason = error instanceof OutcomeError ? outcomeText(error) : (error as Error).message;
      throw new InitBundleError(`init bundle entry ${index} failed: ${reason}`, { cause: error });
    }
  });
}

function applyEntry(store: ResourceStore, entry: unknown): void {
  const request = isJsonObject(entry) && isJsonObject(entry.request) ? entry.request : undefined;
  const url = typeof request?.url === 'string' ? request.url : '';
  const target = /^\/?([A-Za-z]+)\/([^/?#]+)$/.exec(url);
  if (!request || !target) throw new Error(`request.url must be <type>/<id>, got ${JSON.stringify(url)}`);
  const [, type = '', id = ''] = target;
  const kind = ADMIN_KINDS[type] ?? FHIR_KIND;
  switch (request.method) {
    case 'PUT':
      updateResource(store, kind, type, id, (entry as JsonObject).resource, undefined);
      return;
    case 'DELETE':
      deleteResource(store, kind, type, id, undefined);
      return;
    default:
      throw new Error(`request.method ${String(request.method)} is not one the emulator runs (PUT, DELETE)`);
  }
}

/** The status and each issue, where (its `expression`) and what, for the start's error message. */
function outcomeText(error: OutcomeError): string {
  const issues = error.issues.map((issue) => [...(issue.expression ?? []), issue.diagnostics].join(': '));
  return `${error.status} ${issues.join('; ')}`;
}
