import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { accessPolicyResource, clientResource, createAidboxClient, type ServiceSpec } from '@payerbox/aidbox';
import {
  type AidboxEmulator,
  organizationReaderEnv,
  portalInitBundle,
  startAidboxEmulator,
} from '@payerbox/aidbox-emulator';
import type { Test } from 'tap';

export interface ProductionAidbox {
  readonly emulator: AidboxEmulator;
  /** The registration settings that turn OrgBAC on against this Aidbox. */
  readonly env: Record<string, string>;
  /** Creates or replaces an Organization in Aidbox, as someone administering it would (through its FHIR API). */
  putOrganization(id: string, name: string | undefined, partOf?: string): Promise<void>;
}

/**
 * The production Aidbox the registration service reads organizations from: the emulator with the production init
 * bundle (the portal's read-only client, which the service reads as) and its sample tree (Acme Health Plan with its
 * child Acme Health Plan East, and Beacon Mutual Insurance), stopped at teardown.
 */
export async function startProductionAidbox(t: Test): Promise<ProductionAidbox> {
  // Root plays the payer's operator, who administers organizations; the service never gets it.
  const admin = { id: 'root', secret: randomBytes(18).toString('base64url') };
  const { initBundle, credentials } = portalInitBundle('production');
  const emulator = await startAidboxEmulator({ adminClient: admin, initBundle, name: 'production', orgbac: true });
  t.teardown(() => emulator.close());
  let writerToken: Promise<string> | undefined;
  return {
    emulator,
    env: { ORGBAC_ENABLED: 'true', ...organizationReaderEnv({ url: emulator.url, ...credentials }) },
    async putOrganization(id, name, partOf) {
      writerToken ??= organizationWriter(emulator.url, admin);
      const response = await fetch(`${emulator.url}/fhir/Organization/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await writerToken}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Organization',
          ...(name !== undefined && { name }),
          ...(partOf !== undefined && { partOf: { reference: `Organization/${partOf}` } }),
        }),
      });
      if (response.status !== 200 && response.status !== 201) {
        throw new Error(`PUT Organization/${id}: ${response.status} ${await response.text()}`);
      }
    },
  };
}

/** A client that may write organizations (provisioned the way the portal provisions any client), and its token. */
async function organizationWriter(baseUrl: string, admin: { id: string; secret: string }): Promise<string> {
  const aidbox = createAidboxClient({ baseUrl, clientId: admin.id, clientSecret: admin.secret });
  const spec: ServiceSpec = {
    clientId: `org-admin-${randomBytes(4).toString('hex')}`,
    authMethod: 'client_secret',
    jwksUri: null,
    scopeVersion: 'v2',
    scopes: ['system/Organization.cu'],
    organizationId: null,
  };
  const secret = randomBytes(18).toString('base64url');
  await aidbox.putClient(clientResource(spec, { active: true, secret }));
  await aidbox.putAccessPolicy(accessPolicyResource(spec));
  const response = await fetch(`${baseUrl}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${spec.clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token for the organization writer: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A loopback URL where nothing listens: an Aidbox that is down. */
export async function closedAidboxUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
