import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { passLoginForm, UserAgent } from '@payerbox/dev-identity-provider/user-agent';
import t from 'tap';
import { startPortal } from './helpers/start-portal.ts';

t.test(
  'the start command runs the whole portal: the developer SPA, sign-in, registration and sandbox provisioning',
  async (t) => {
    const { ports, dataDir, output } = await startPortal(t);
    t.match(output(), /Press Ctrl\+C/, 'printed its banner');
    const base = `http://localhost:${ports.api}`;
    const credentials = JSON.parse(await readFile(join(dataDir, 'dev-credentials.json'), 'utf8'));
    t.match(credentials, { developer: { email: 'developer@example.com' }, admin: { email: 'admin@example.com' } });

    t.match(output(), `Developer portal  ${base}/`, 'names the developer portal in its banner');
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    t.equal(page.status, 200, 'serves the developer portal at /');
    t.match(await page.text(), '<div id="root">', "with the developer SPA's index.html");

    const agent = new UserAgent();
    const callback = await passLoginForm(agent, `${base}/api/auth/login?app=developer`, base, credentials.developer);
    t.equal((await agent.request(callback)).status, 302, 'signed in with the demo password');
    const me = await agent.request(`${base}/api/v1/me`);
    t.match(await me.json(), { email: 'developer@example.com', role: 'developer' });

    const created = await fetch(`${base}/api/v1/backend-services`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.developer.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Smoke',
        authMethod: 'client_secret',
        scopeVersion: 'v2',
        scopes: ['system/Patient.rs'],
      }),
    });
    t.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    let state = 'pending';
    const deadline = Date.now() + 30_000;
    while (state !== 'ready' && Date.now() < deadline) {
      const service = await fetch(`${base}/api/v1/backend-services/${id}`, {
        headers: { authorization: `Bearer ${credentials.developer.apiToken}` },
      });
      state = ((await service.json()) as { environments: { sandbox: { state: string } } }).environments.sandbox.state;
      if (state !== 'ready') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.equal(state, 'ready', 'the provisioner put the client into the sandbox emulator');

    const inbox = `http://localhost:${ports.mailWeb}`;
    t.match(output(), `Mail inbox        ${inbox} (maildev`, 'names the development inbox in its banner');
    const submitted = await fetch(`${base}/api/v1/backend-services/${id}/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.developer.apiToken}` },
    });
    t.equal(submitted.status, 200);
    let subjects: string[] = [];
    const mailDeadline = Date.now() + 30_000;
    while (!subjects.includes('Smoke was submitted for review') && Date.now() < mailDeadline) {
      const emails = (await (await fetch(`${inbox}/api/email`)).json()) as { subject: string }[];
      subjects = emails.map((email) => email.subject);
      if (!subjects.includes('Smoke was submitted for review'))
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    t.ok(subjects.includes('Smoke was submitted for review'), 'the notifier e-mailed the admins into the inbox');
  },
);

t.test(
  "the start command writes both emulators' least-privilege portal credentials into the credentials file",
  async (t) => {
    const { ports, dataDir } = await startPortal(t);
    const credentials = JSON.parse(await readFile(join(dataDir, 'dev-credentials.json'), 'utf8'));
    t.match(credentials.developer, { email: 'developer@example.com' }, 'the demo accounts stay');
    const basic = ({ clientId, clientSecret }: { clientId: string; clientSecret: string }) => ({
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/json',
    });
    for (const environment of ['sandbox', 'production'] as const) {
      const aidbox = credentials.aidbox[environment];
      t.match(aidbox, {
        url: `http://localhost:${ports[environment]}`,
        provisioner: { clientId: 'portal-provisioner', clientSecret: String },
        reader: { clientId: 'portal-reader', clientSecret: String },
      });
      const root = await fetch(`${aidbox.url}/Client/root`, {
        method: 'PUT',
        headers: basic(aidbox.provisioner),
        body: JSON.stringify({ grant_types: ['basic'], secret: 'x' }),
      });
      t.equal(root.status, 403, `${environment}: the provisioner is refused PUT /Client/root`);
      const organizations = await fetch(`${aidbox.url}/Organization`, { headers: basic(aidbox.reader) });
      t.equal(organizations.status, 200, `${environment}: the reader lists organizations`);
      const clients = await fetch(`${aidbox.url}/Client`, { headers: basic(aidbox.reader) });
      t.equal(clients.status, 403, `${environment}: and nothing else`);
    }
  },
);

t.test(
  'the start command passes ORGBAC_ENABLED through: organizations come from the production emulator, and only ' +
    'production has organization bases',
  async (t) => {
    const { ports, dataDir, output } = await startPortal(t, { ORGBAC_ENABLED: 'true' });
    t.match(output(), `Organizations     OrgBAC on in production: read from http://localhost:${ports.production}`);
    const metadata = (port: number) =>
      fetch(`http://localhost:${port}/Organization/org-acme-health/fhir/metadata`).then((r) => r.status);
    t.equal(await metadata(ports.production), 200, 'production runs OrgBAC');
    t.equal(await metadata(ports.sandbox), 404, 'the sandbox runs without');
    const credentials = JSON.parse(await readFile(join(dataDir, 'dev-credentials.json'), 'utf8'));
    const organizations = await fetch(`http://localhost:${ports.api}/api/v1/organizations`, {
      headers: { authorization: `Bearer ${credentials.developer.apiToken}` },
    });
    t.equal(organizations.status, 200);
    t.match(await organizations.json(), {
      enabled: true,
      organizations: [
        { id: 'org-acme-health', children: [{ id: 'org-acme-health-east' }] },
        { id: 'org-beacon-mutual', children: [] },
      ],
    });
  },
);
