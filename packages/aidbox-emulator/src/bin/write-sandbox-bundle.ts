// Rewrites the sample data of infra/aidbox/init-bundle.sandbox.json.tpl from the emulator's seed (`pnpm
// --filter @payerbox/aidbox-emulator sandbox-bundle`), keeping its portal clients and policies as they are.
import { readFile, writeFile } from 'node:fs/promises';
import { PORTAL_INIT_BUNDLE_FILES } from '../portal-aidbox.ts';
import { withSampleData } from '../sandbox-bundle.ts';

const path = PORTAL_INIT_BUNDLE_FILES.sandbox;
const bundle = JSON.parse(await readFile(path, 'utf8'));
await writeFile(path, `${JSON.stringify(withSampleData(bundle), null, 2)}\n`);
console.log(`wrote ${path}`);
