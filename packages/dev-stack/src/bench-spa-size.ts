// The SPA size section of the bench command: what a browser downloads before the first page of each SPA renders.
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureSpaBuilt, type SpaName } from './spa-build.ts';

/** The budget for the initial JavaScript of each SPA, gzipped. */
export const JS_BUDGET_GZIP_BYTES = 200 * 1024;

/** The files of one kind an SPA's index.html loads up front, and their size as stored and as sent gzipped. */
export interface AssetSize {
  readonly files: readonly string[];
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

export interface SpaSizeResult {
  readonly app: SpaName;
  /** The module entry (`<script type="module" src>`) and the chunks Vite preloads with it. */
  readonly js: AssetSize;
  /** The stylesheets (`<link rel="stylesheet" href>`). */
  readonly css: AssetSize;
  readonly jsBudgetGzipBytes: number;
  readonly withinBudget: boolean;
}

const SPA_BASES: Record<SpaName, string> = { developer: '/', admin: '/admin/' };

interface Tag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** The `<script>` and `<link>` tags of an HTML document with their attributes (lower-case names). */
function scriptAndLinkTags(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const [, name = '', body = ''] of html.matchAll(/<(script|link)\b([^>]*)>/gi)) {
    const attributes = new Map<string, string>();
    for (const [, key = '', doubleQuoted, singleQuoted, bare] of body.matchAll(
      /([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g,
    )) {
      attributes.set(key.toLowerCase(), doubleQuoted ?? singleQuoted ?? bare ?? '');
    }
    tags.push({ name: name.toLowerCase(), attributes });
  }
  return tags;
}

/** What index.html loads before the app runs: JavaScript (entry and module preloads) and CSS, as URLs. */
export function initialAssets(html: string): { js: string[]; css: string[] } {
  const js: string[] = [];
  const css: string[] = [];
  for (const { name, attributes } of scriptAndLinkTags(html)) {
    const rel = attributes.get('rel')?.toLowerCase().split(/\s+/) ?? [];
    const src = attributes.get('src');
    const href = attributes.get('href');
    if (name === 'script' && attributes.get('type') === 'module' && src) js.push(src);
    else if (name === 'link' && rel.includes('modulepreload') && href) js.push(href);
    else if (name === 'link' && rel.includes('stylesheet') && href) css.push(href);
  }
  return { js: [...new Set(js)], css: [...new Set(css)] };
}

/** The file under `distDir` that a URL of the app at `base` names; undefined for another origin's URL. */
function fileOf(distDir: string, base: string, url: string): string | undefined {
  const { origin, pathname } = new URL(url, 'http://portal.invalid/');
  if (origin !== 'http://portal.invalid') return undefined;
  const relative = decodeURIComponent(pathname.startsWith(base) ? pathname.slice(base.length) : pathname.slice(1));
  const file = normalize(join(distDir, relative));
  if (!file.startsWith(distDir + sep)) throw new Error(`${url} points outside ${distDir}`);
  return file;
}

async function sizeOf(distDir: string, base: string, urls: readonly string[]): Promise<AssetSize> {
  let rawBytes = 0;
  let gzipBytes = 0;
  const files: string[] = [];
  for (const url of urls) {
    const file = fileOf(distDir, base, url);
    if (!file) continue;
    const content = await readFile(file);
    // Each file travels as its own response, so each is compressed on its own.
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
    files.push(file.slice(distDir.length + 1));
  }
  return { files, rawBytes, gzipBytes };
}

/** Measures one built SPA from its dist folder. */
export async function measureSpaSize(app: SpaName, distDir: string): Promise<SpaSizeResult> {
  const base = SPA_BASES[app];
  const { js, css } = initialAssets(await readFile(join(distDir, 'index.html'), 'utf8'));
  const jsSize = await sizeOf(distDir, base, js);
  return {
    app,
    js: jsSize,
    css: await sizeOf(distDir, base, css),
    jsBudgetGzipBytes: JS_BUDGET_GZIP_BYTES,
    withinBudget: jsSize.gzipBytes <= JS_BUDGET_GZIP_BYTES,
  };
}

/** Builds (when stale) and measures every SPA the repository has; an app that does not exist yet is left out. */
export async function measureSpaSizes(): Promise<SpaSizeResult[]> {
  const results: SpaSizeResult[] = [];
  for (const app of ['developer', 'admin'] as const) {
    const distDir = await ensureSpaBuilt(app);
    if (distDir) results.push(await measureSpaSize(app, distDir));
  }
  return results;
}
