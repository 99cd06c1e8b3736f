// Bundles a service's TypeScript (with the workspace packages it imports) into dist/server.mjs for production
// images. Third-party packages stay external and must be the service's own dependencies, so that `pnpm deploy`
// installs everything the bundle imports; the build fails otherwise.
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const serviceDir = process.cwd();
const manifest = JSON.parse(await readFile(join(serviceDir, 'package.json'), 'utf8'));
const declared = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const externals = new Set();

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const result = await build({
  entryPoints: [join(serviceDir, 'src/server.ts')],
  outfile: join(serviceDir, 'dist/server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // esbuild's ESM output needs `require` for the few CommonJS paths of bundled code.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'third-party-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (builtins.has(args.path)) return { external: true };
          if (args.path.startsWith('@payerbox/')) return undefined;
          externals.add(packageName(args.path));
          return { external: true };
        });
      },
    },
  ],
});

const missing = [...externals].filter((name) => !declared.has(name)).sort();
if (missing.length > 0) {
  console.error(`${manifest.name}: the bundle imports packages that are not its dependencies: ${missing.join(', ')}`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(
  `${manifest.name}: dist/server.mjs (${Math.round(bytes / 1024)} KiB with source map), externals: ${[...externals].sort().join(', ')}`,
);
