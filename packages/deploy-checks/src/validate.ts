import type { KubeObject } from './manifests.ts';

/** A model class of `kubernetes-models`: construct it with an object, `validate()` throws on a schema violation. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

const GROUP = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The `kubernetes-models` module of an apiVersion (`v1`, `apps/v1`, `networking.k8s.io/v1`), or undefined when the
 * package has none. The package bundles the JSON schemas of the Kubernetes OpenAPI spec, compiled to validation
 * functions, so validating needs no network.
 */
async function loadGroupVersion(apiVersion: string): Promise<Record<string, unknown> | undefined> {
  const parts = apiVersion.split('/');
  const [group, version] = parts.length === 1 ? ['', parts[0]] : parts;
  if (parts.length > 2 || version === undefined || !VERSION.test(version)) return undefined;
  if (group !== undefined && group !== '' && !GROUP.test(group)) return undefined;
  const specifier = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    // Node reports an unexported subpath with this code; tsx's resolver (under the test runner) puts it in the message.
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || message?.includes('ERR_PACKAGE_PATH_NOT_EXPORTED'))
      return undefined;
    throw error;
  }
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function' && 'apiVersion' in value && 'kind' in value;
}

/**
 * Validates one object against the Kubernetes schema of its apiVersion and kind. Returns the problems found, empty
 * when the object is valid; an apiVersion or kind the schemas do not know is a problem too.
 */
export async function validateObject(object: KubeObject): Promise<string[]> {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind must be strings'];
  const module = KIND.test(kind) ? await loadGroupVersion(apiVersion) : undefined;
  const model = module?.[kind];
  if (!isModelClass(model) || model.apiVersion !== apiVersion || model.kind !== kind) {
    return [`unknown kind ${apiVersion}/${kind}: no Kubernetes schema for it`];
  }
  const problems: string[] = [];
  if (typeof object.metadata?.name !== 'string' || object.metadata.name === '')
    problems.push('metadata.name is missing');
  try {
    new model(object).validate();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return problems;
}
