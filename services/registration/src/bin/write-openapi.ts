// Regenerates the committed openapi.json from the code (`pnpm openapi`).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { OPENAPI_FILE, renderOpenApi } from '../openapi-document.ts';

await writeFile(OPENAPI_FILE, await renderOpenApi());
console.log(`wrote ${fileURLToPath(OPENAPI_FILE)}`);
