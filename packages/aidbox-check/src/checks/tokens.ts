/**
 * The SMART configuration and the token endpoint (infra/aidbox/NOTES.md, "Open questions (signing algorithms,
 * tokens and keys)"): where the configuration is served, which assertion algorithms are accepted, the token
 * response, error statuses, `exp` and `jti` handling.
 */
import { randomUUID } from 'node:crypto';
import { clientResource } from '@payerbox/aidbox';
import { type Check, judge } from '../check.ts';
import type { CheckSession, ServiceClient } from '../session.ts';
import { type AssertionAlg, newSigningKey, type TokenResult, tokenWithSecret } from '../smart-client.ts';

const KEY_DOCS =
  'HealthSamurai/aidbox-docs docs/access-control/authentication/smart-client-authentication/' +
  'smart-asymmetric-docs-private-key-jwt-authentication.md; HealthSamurai/payerbox-docs docs/api-reference/authentication.md';

/** The algorithms the server advertises for client assertions. */
async function advertised(session: CheckSession): Promise<string[]> {
  const algorithms = (await session.smartConfiguration())?.token_endpoint_auth_signing_alg_values_supported;
  return Array.isArray(algorithms) ? algorithms.filter((alg): alg is string => typeof alg === 'string') : [];
}

/** One jwks_uri client per run, shared by the token checks. */
const jwksClients = new WeakMap<CheckSession, Promise<ServiceClient>>();
function jwksClient(session: CheckSession): Promise<ServiceClient> {
  let client = jwksClients.get(session);
  if (!client) {
    client = session.serviceClient({ scopes: ['system/Patient.rs'], authMethod: 'jwks_uri' });
    jwksClients.set(session, client);
  }
  return client;
}

const accepted = (answer: TokenResult) => answer.status === 200 && typeof answer.body.access_token === 'string';
const outcome = (answer: TokenResult) =>
  accepted(answer) ? '200' : `${answer.status} ${answer.body.error ?? JSON.stringify(answer.body)}`;

export const TOKEN_CHECKS: readonly Check[] = [
  {
    id: 'smart-configuration.root',
    question: 'Is the SMART configuration served at the server root, naming the token endpoint and algorithms?',
    expected: '200 JSON at /.well-known/smart-configuration with token_endpoint and a non-empty algorithm list',
    docs: 'HealthSamurai/aidbox-docs docs/solutions/providers-or-onc-health-it-certification-program/g-10-standardized-api-for-patient-and-population-services/README.md',
    async run(session) {
      const configuration = await session.smartConfiguration();
      const algorithms = await advertised(session);
      return judge(
        configuration !== undefined && typeof configuration.token_endpoint === 'string' && algorithms.length > 0,
        configuration
          ? `token_endpoint ${String(configuration.token_endpoint)}; algorithms ${algorithms.join(', ') || 'none'}`
          : 'not served',
      );
    },
  },
  {
    id: 'smart-configuration.fhir-base',
    question: 'Is the SMART configuration also served under the FHIR base /fhir?',
    expected: 'not documented (root only): the portal shows the root URL, so either answer works',
    docs: 'HealthSamurai/aidbox-docs docs/solutions/aidbox-+-fhir-app-portal/getting-started/smartbox-to-aidbox-migration-guide.md',
    async run(session) {
      const answer = await session.rest('anonymous', 'GET', '/fhir/.well-known/smart-configuration');
      return answer.status === 200
        ? { observed: 'served under /fhir too', verdict: 'differs-from-docs' }
        : { observed: `${answer.status} under /fhir (root only, as documented)`, verdict: 'pass' };
    },
  },
  {
    id: 'tokens.algorithms-as-advertised',
    question: 'Does the token endpoint accept exactly the assertion algorithms it advertises (RS384, ES384)?',
    expected: 'each of RS384 and ES384 accepted if and only if advertised; Aidbox documents RS384 only',
    docs: KEY_DOCS,
    async run(session) {
      const client = await jwksClient(session);
      const listed = await advertised(session);
      const results: string[] = [];
      let consistent = true;
      for (const alg of ['RS384', 'ES384'] as const satisfies readonly AssertionAlg[]) {
        const answer = await client.tokenWithKey(alg);
        consistent &&= accepted(answer) === listed.includes(alg);
        results.push(`${alg} ${listed.includes(alg) ? 'advertised' : 'not advertised'}: ${outcome(answer)}`);
      }
      const observed = results.join('; ');
      if (!consistent) return { observed, verdict: 'fail' };
      return { observed, verdict: listed.includes('ES384') ? 'differs-from-docs' : 'pass' };
    },
  },
  {
    id: 'tokens.token-type',
    question: 'Is the token_type of a token response exactly "Bearer"?',
    expected: 'token_type "Bearer" (every documented example)',
    docs: 'HealthSamurai/aidbox-docs docs/access-control/authorization/smart-on-fhir/smart-client-authorization/smart-backend-services.md',
    async run(session) {
      const answer = await (await jwksClient(session)).tokenWithKey('RS384');
      if (!accepted(answer)) return { observed: `no token: ${outcome(answer)}`, verdict: 'fail' };
      const type = String(answer.body.token_type);
      if (type === 'Bearer') return { observed: 'Bearer', verdict: 'pass' };
      return { observed: type, verdict: type.toLowerCase() === 'bearer' ? 'differs-from-docs' : 'fail' };
    },
  },
  {
    id: 'tokens.invalid-client-status',
    question: 'What does a wrong client secret get?',
    expected: '400 invalid_client (Payerbox; RFC 6749 also allows 401)',
    docs: 'HealthSamurai/payerbox-docs docs/api-reference/authentication.md ("Common errors")',
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const answer = await tokenWithSecret(session.tokenUrl, client.clientId, 'not-the-secret');
      const observed = `${answer.status} ${answer.body.error ?? JSON.stringify(answer.body)}`;
      if (answer.body.error !== 'invalid_client') return { observed, verdict: 'fail' };
      return { observed, verdict: answer.status === 400 ? 'pass' : 'differs-from-docs' };
    },
  },
  {
    id: 'tokens.assertion-lifetime',
    question: "Does the token endpoint hold an assertion's exp to at most 5 minutes ahead and refuse expired ones?",
    expected: "exp now+240 s accepted (the portal's examples); now+600 s, expired and missing exp refused",
    docs: KEY_DOCS,
    async run(session) {
      const client = await jwksClient(session);
      const answers = {
        '+240 s': await client.tokenWithKey('RS384', { expiresInSeconds: 240 }),
        '+600 s': await client.tokenWithKey('RS384', { expiresInSeconds: 600 }),
        expired: await client.tokenWithKey('RS384', { expiresInSeconds: -30 }),
      };
      const observed = Object.entries(answers)
        .map(([what, answer]) => `${what}: ${outcome(answer)}`)
        .join('; ');
      return judge(accepted(answers['+240 s']) && !accepted(answers['+600 s']) && !accepted(answers.expired), observed);
    },
  },
  {
    id: 'tokens.jti-replay',
    question: 'Is an assertion refused the second time it is sent (jti replay)?',
    expected: 'the second use of one assertion refused; accepted means assertions rely on exp alone',
    docs: KEY_DOCS,
    async run(session) {
      const client = await jwksClient(session);
      const jti = randomUUID();
      const first = await client.tokenWithKey('RS384', { jti });
      const second = await client.tokenWithKey('RS384', { jti });
      const observed = `first: ${outcome(first)}; second: ${outcome(second)}`;
      if (!accepted(first)) return { observed, verdict: 'fail' };
      return { observed, verdict: accepted(second) ? 'differs-from-docs' : 'pass' };
    },
  },
  {
    // The production secret's outage-free cutover (README, "Credentials per environment") relies on it; the docs are
    // silent (infra/aidbox/NOTES.md, "One secret per Client").
    id: 'tokens.survive-secret-change',
    question: "Does a token issued before a Client's secret is replaced keep working, and only the new secret work?",
    expected:
      'the earlier token still reads (not 401); the old secret refused, the new one accepted. If the token is ' +
      'refused, a client following the cutover procedure sees one 401 at the switch: tell developers to take a new ' +
      'token with the new secret on a 401',
    docs: 'HealthSamurai/aidbox-docs docs/tutorials/security-access-control-tutorials/client-credentials-grant.md',
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const token = await client.accessToken();
      const secret = `aidbox-check-${randomUUID()}`;
      await session.provisionerApi.putClient(clientResource(client.spec, { active: true, secret }));
      const earlier = await session.fhir('/Patient?_count=1', token);
      const oldSecret = await client.tokenWithSecret();
      const newSecret = await tokenWithSecret(session.tokenUrl, client.clientId, secret);
      const observed = `earlier token: ${earlier.status}; old secret: ${outcome(oldSecret)}; new secret: ${outcome(newSecret)}`;
      if (accepted(oldSecret) || !accepted(newSecret)) return { observed, verdict: 'fail' };
      return { observed, verdict: earlier.status === 401 ? 'differs-from-docs' : 'pass' };
    },
  },
];

/** The key set cache check: minutes long, so it runs only with `--slow`. */
export const KEY_CACHE_CHECK: Check = {
  id: 'tokens.new-key-within-5-minutes',
  question: "Is a key added to a client's key set accepted within 5 minutes of the set's first fetch?",
  expected: 'the new key accepted within 330 s (the portal tells developers to publish keys 5 minutes ahead)',
  docs: 'HealthSamurai/aidbox-docs docs/access-control/authentication/token-introspector.md (300 s key cache)',
  skip: (session) => (session.options.slow ? undefined : 'takes up to 5.5 minutes: run with --slow'),
  async run(session) {
    const client = await session.serviceClient({ scopes: ['system/Patient.rs'], authMethod: 'jwks_uri' });
    const { host, keys } = await session.keySet();
    const first = await client.tokenWithKey('RS384');
    if (!accepted(first)) return { observed: `no first token: ${outcome(first)}`, verdict: 'fail' };
    const fetchedAt = Date.now();
    const added = await newSigningKey('RS384');
    host.publish([keys.RS384, keys.ES384, added]);
    const maxWait = session.options.keyCacheMaxWaitMs ?? 330_000;
    const poll = session.options.keyCachePollMs ?? 15_000;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const answer = await client.tokenWithKey('RS384', { key: added });
      const waited = Date.now() - fetchedAt;
      if (accepted(answer)) {
        const observed = `accepted after ${Math.round(waited / 1000)} s (${attempts} tries, ${host.fetches()} fetches)`;
        return { observed, verdict: attempts === 1 ? 'differs-from-docs' : 'pass' };
      }
      if (waited > maxWait) {
        return { observed: `still refused after ${Math.round(waited / 1000)} s: ${outcome(answer)}`, verdict: 'fail' };
      }
      await new Promise((resolve) => setTimeout(resolve, poll));
    }
  },
};
