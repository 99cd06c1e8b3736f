import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAidboxEmulator } from '@payerbox/aidbox-emulator';
import t, { type Test } from 'tap';
import { readSmartConfiguration } from '../src/index.ts';
import { failure } from './helpers/failure.ts';

const ADMIN = { id: 'portal-provisioner', secret: 'smart-configuration-test' };

/** A loopback server answering every request with `status` and `body`. */
async function serve(t: Test, status: number, body: string): Promise<string> {
  const server = createServer((_request, response) => response.writeHead(status).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('reads the signing algorithms an Aidbox advertises at its root', async (t) => {
  for (const assertionAlgorithms of [['RS384'], ['RS384', 'ES384']] as const) {
    const aidbox = await startAidboxEmulator({ adminClient: ADMIN, seed: false, assertionAlgorithms });
    t.teardown(() => aidbox.close());
    const configuration = await readSmartConfiguration(`${aidbox.url}/`);
    t.same(configuration.tokenEndpointAuthSigningAlgValuesSupported, assertionAlgorithms);
  }
});

t.test('reads a configuration without algorithms as an empty list, ignoring values that are not strings', async (t) => {
  t.same((await readSmartConfiguration(await serve(t, 200, '{}'))).tokenEndpointAuthSigningAlgValuesSupported, []);
  const mixed = await serve(t, 200, '{"token_endpoint_auth_signing_alg_values_supported": ["RS384", 7]}');
  t.same((await readSmartConfiguration(mixed)).tokenEndpointAuthSigningAlgValuesSupported, ['RS384']);
});

t.test('fails with an AidboxError when the configuration cannot be read', async (t) => {
  t.match(await failure(readSmartConfiguration(await serve(t, 404, 'no'))), { code: 'http_status', status: 404 });
  t.match(await failure(readSmartConfiguration(await serve(t, 200, '<html>'))), { code: 'invalid_response' });
  t.match(await failure(readSmartConfiguration(await serve(t, 200, '[]'))), { code: 'invalid_response' });
  t.match(await failure(readSmartConfiguration('http://127.0.0.1:1')), { code: 'network', retryable: true });
});
