import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The kustomize base this package checks. */
export const MANIFEST_DIR = fileURLToPath(new URL('../../../infra/k8s/', import.meta.url));

/** The kustomization file; it configures kustomize and is not a Kubernetes object. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** The committed Secret template: documented, validated, and never listed in the kustomization. */
export const SECRET_TEMPLATE_FILE = 'secret.example.yaml';

/** A Kubernetes object as parsed from YAML; only the fields every object has are typed. */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One YAML document of a manifest file. */
export interface ManifestDocument {
  readonly file: string;
  /** Position of the document in its file, from 0. */
  readonly index: number;
  readonly object: KubeObject;
}

/** Every document of one manifest file; YAML syntax errors throw, naming the file. */
export function parseManifest(file: string, text: string): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    const [error] = document.errors;
    if (error) throw new Error(`${file}: ${error.message}`);
    const value: unknown = document.toJS();
    // A file may end with `---` or hold a comment-only document.
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${file} document ${index}: is not a mapping`);
    }
    documents.push({ file, index, object: value as KubeObject });
  }
  return documents;
}

/** The YAML file names in a folder, sorted. */
export async function listYamlFiles(dir: string = MANIFEST_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Every document of every YAML file in the folder, the kustomization included. */
export async function loadManifests(dir: string = MANIFEST_DIR): Promise<ManifestDocument[]> {
  const documents: ManifestDocument[] = [];
  for (const file of await listYamlFiles(dir)) {
    documents.push(...parseManifest(file, await readFile(join(dir, file), 'utf8')));
  }
  return documents;
}

/** A readable name for a document in messages: `registration.yaml#0 Deployment/registration`. */
export function describe(document: ManifestDocument): string {
  const { kind, metadata } = document.object;
  return `${document.file}#${document.index} ${String(kind)}/${String(metadata?.name)}`;
}
