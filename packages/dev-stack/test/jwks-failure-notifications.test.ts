import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newSigningKey } from '@payerbox/aidbox-check';
import t, { type Test } from 'tap';
import { freePort } from '../src/embedded-postgres.ts';
import type { LocalStack } from '../src/local-stack.ts';
import { startInbox, startNotifier } from './helpers/mail.ts';
import { startStack } from './helpers/stack.ts';

/** A partner's key set server on loopback (an RS384 key) that can be made to answer HTTP 500. */
async function breakableKeySet(t: Test): Promise<{ url: string; failing(failing: boolean): void }> {
  const key = await newSigningKey('RS384');
  const body = JSON.stringify({ keys: [key.publicJwk] });
  let failing = false;
  const server = createServer((_request, response) => {
    if (failing) response.writeHead(500).end('the key server is down');
    else response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    failing: (value) => {
      failing = value;
    },
  };
}

/** The notifier's count of key set re-checks with `verdict`, read from its /metrics. */
async function checks(metricsPort: number, verdict: 'pass' | 'fail'): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined);
  if (!response?.ok) return 0;
  const match = new RegExp(`^key_set_checks_total\\{verdict="${verdict}"\\} (\\d+)`, 'm').exec(await response.text());
  return Number(match?.[1] ?? 0);
}

/** Waits until the notifier has recorded `count` checks with `verdict` (each ends with its state committed). */
async function waitForChecks(metricsPort: number, verdict: 'pass' | 'fail', count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await checks(metricsPort, verdict)) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} ${verdict}ing key set checks within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An Active service signing with the key set at `jwksUri`: registered, submitted and approved. */
async function activeKeySetService(t: Test, stack: LocalStack, jwksUri: string) {
  const name = `Key set ${Math.random().toString(36).slice(2, 8)}`;
  const created = await stack.developer.api('POST', '/backend-services', {
    name,
    authMethod: 'jwks_uri',
    jwksUri,
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  t.equal(created.status, 201, `${name} is registered`);
  t.equal((await stack.developer.api('POST', `/backend-services/${created.body.id}/submit`)).status, 200, 'submitted');
  const approved = await stack.admin.api('POST', `/admin/backend-services/${created.body.id}/approve`, {});
  t.equal(approved.body.status, 'active', 'and approved');
  return { id: created.body.id as string, name };
}

t.test(
  'a key set URL that starts failing tells its owner once per failure episode, however many checks fail',
  async (t) => {
    const stack = await startStack(t);
    const inbox = await startInbox(t);
    const keySet = await breakableKeySet(t);
    const service = await activeKeySetService(t, stack, keySet.url);
    const metricsPort = await freePort();
    // Every Active key set is checked every 2 s (a tick every 100 ms).
    startNotifier(t, stack, inbox.smtpPort, {
      JWKS_RECHECK_INTERVAL_SECONDS: '2',
      METRICS_PORT: String(metricsPort),
    });
    await waitForChecks(metricsPort, 'pass', 1);

    keySet.failing(true);
    await waitForChecks(metricsPort, 'fail', 3);
    const subject = `The key set of ${service.name} failed its scheduled check: tokens cannot be issued with it until it is fixed`;
    const finding = `The server at ${keySet.url} answered HTTP 500 instead of the key set (HTTP 200): check the URL.`;
    const email = await inbox.waitFor(stack.developer.email, (caught) => caught.subject === subject);
    t.match(email.text, `What the check found: ${finding}`, 'the e-mail says what the check found');
    const events = async () =>
      (
        (await stack.admin.api('GET', `/admin/audit-events?serviceId=${service.id}`)).body.items as { action: string }[]
      ).filter((event) => event.action === 'jwks_check_failed');
    t.match(
      await events(),
      [{ action: 'jwks_check_failed', actor: null, detail: { jwksUri: keySet.url, error: finding } }],
      'three failing checks, one event: recorded by the system',
    );
    const notified = async () =>
      ((await stack.developer.api('GET', '/notifications')).body.items as { type: string; reason: string }[]).filter(
        (item) => item.type === 'service.jwks_failing',
      );
    t.match(await notified(), [{ message: subject, reason: finding, serviceId: service.id }], 'one in the app');

    keySet.failing(false);
    await waitForChecks(metricsPort, 'pass', (await checks(metricsPort, 'pass')) + 1);
    keySet.failing(true);
    await waitForChecks(metricsPort, 'fail', (await checks(metricsPort, 'fail')) + 1);
    await inbox.waitFor(stack.developer.email, (caught) => caught.subject === subject && caught.id !== email.id);
    t.equal((await events()).length, 2, 'a recovery and a new failure: a second episode');
    t.equal((await notified()).length, 2, 'and a second notification');
    const toAdmins = (await inbox.emails()).filter(
      (caught) => caught.subject === subject && caught.to.some((to) => to.address === stack.admin.email),
    );
    t.equal(toAdmins.length, 0, 'the administrators are not told');
  },
);
