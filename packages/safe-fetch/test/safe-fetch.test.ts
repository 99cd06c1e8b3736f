import t from 'tap';
import { checkFetchTarget, type Resolver } from '../src/index.ts';
import { fetcher, refusal, resolveTo, serve } from './helpers/fetch.ts';

const jwks = JSON.stringify({ keys: [] });

t.test('fetches a document from loopback in development mode, without cookies or credentials', async (t) => {
  const server = await serve(t, (_url, res) => res.setHeader('content-type', 'application/json').end(jwks));
  const { fetch, dialled } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const response = await fetch(`http://jwks.localhost.test:${server.port}/jwks.json`);
  t.equal(response.status, 200);
  t.equal(response.body.toString(), jwks);
  t.equal(response.address, '127.0.0.1');
  t.same(dialled, ['127.0.0.1']);
  const headers = server.seen[0]?.headers ?? {};
  t.notOk(headers.cookie);
  t.notOk(headers.authorization);
});

t.test('refuses plain http outside development mode', async (t) => {
  const { fetch, dialled } = fetcher({ resolve: resolveTo('93.184.216.34') });
  t.equal((await refusal(fetch('http://example.com/jwks.json'))).code, 'scheme_not_allowed');
  t.same(dialled, []);
});

t.test('refuses plain http to a public address even in development mode', async (t) => {
  const { fetch, dialled } = fetcher({ allowLoopback: true, resolve: resolveTo('93.184.216.34') });
  t.equal((await refusal(fetch('http://example.com/jwks.json'))).code, 'scheme_not_allowed');
  t.same(dialled, []);
});

const BLOCKED = {
  'loopback IPv4': '127.0.0.1',
  'loopback elsewhere in 127/8': '127.8.9.10',
  'this network 0.0.0.0/8': '0.0.0.0',
  'this network, not zero': '0.1.2.3',
  'private 10/8': '10.0.0.1',
  'private 172.16/12': '172.31.255.254',
  'private 192.168/16': '192.168.1.1',
  'link-local': '169.254.1.1',
  'cloud metadata': '169.254.169.254',
  CGNAT: '100.64.0.1',
  multicast: '224.0.0.251',
  broadcast: '255.255.255.255',
  'reserved 240/4': '240.0.0.1',
  documentation: '192.0.2.10',
  benchmarking: '198.18.0.1',
  'loopback IPv6': '::1',
  'unspecified IPv6': '::',
  'unique-local IPv6': 'fd12:3456:789a::1',
  'link-local IPv6': 'fe80::1',
  'multicast IPv6': 'ff02::1',
  'IPv4-mapped loopback': '::ffff:127.0.0.1',
  'IPv4-mapped private': '::ffff:10.0.0.1',
  'IPv4-mapped metadata': '::ffff:169.254.169.254',
  'IPv4-compatible form of 127.0.0.1': '::127.0.0.1',
  'IPv4-compatible metadata': '::a9fe:a9fe',
  'IPv4-compatible public address': '::8.8.8.8',
  'NAT64 of a private address': '64:ff9b::a00:1',
  '6to4 of a private address': '2002:a00:1::1',
  Teredo: '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  'documentation IPv6': '2001:db8::1',
};

t.test('refuses every blocked range before connecting, whatever the name resolves to', async (t) => {
  for (const [range, address] of Object.entries(BLOCKED)) {
    const { fetch, dialled } = fetcher({ resolve: resolveTo(address) });
    const error = await refusal(fetch('https://jwks.example.test/jwks.json'));
    t.equal(error.code, 'address_blocked', `${range} (${address})`);
    t.same(dialled, [], `${range}: nothing dialled`);
  }
});

t.test('refuses blocked IP literals in the URL', async (t) => {
  const { fetch, dialled } = fetcher();
  for (const url of [
    'https://127.0.0.1/jwks.json',
    'https://[::1]/jwks.json',
    'https://[::ffff:127.0.0.1]/jwks.json',
    'https://[::127.0.0.1]/jwks.json',
    'https://[::a9fe:a9fe]/latest/meta-data',
    'https://169.254.169.254/latest/meta-data',
    'https://2130706433/jwks.json',
    'https://0x7f.1/jwks.json',
    'https://10.1/jwks.json',
  ]) {
    t.equal((await refusal(fetch(url))).code, 'address_blocked', url);
  }
  t.same(dialled, []);
});

t.test('development mode allows loopback but keeps every other range blocked', async (t) => {
  for (const [range, address] of Object.entries(BLOCKED)) {
    if (/loopback/i.test(range)) continue;
    const { fetch, dialled } = fetcher({ allowLoopback: true, resolve: resolveTo(address) });
    t.equal((await refusal(fetch('https://jwks.example.test/'))).code, 'address_blocked', range);
    t.same(dialled, []);
  }
});

t.test('refuses a name that resolves to a mix of public and blocked addresses', async (t) => {
  const { fetch, dialled } = fetcher({ resolve: resolveTo('93.184.216.34', '10.0.0.1') });
  t.equal((await refusal(fetch('https://mixed.example.test/'))).code, 'address_blocked');
  const v6 = fetcher({ resolve: resolveTo('2606:4700::1111', 'fd00::1') });
  t.equal((await refusal(v6.fetch('https://mixed6.example.test/'))).code, 'address_blocked');
  t.same([...dialled, ...v6.dialled], []);
});

t.test('connects to exactly the address it checked', async (t) => {
  const { fetch, dialled } = fetcher({ resolve: resolveTo('93.184.216.34') });
  const error = await refusal(fetch('https://public.example.test/jwks.json'));
  t.match(error.message, /test guard: refusing to dial 93\.184\.216\.34/);
  t.same(dialled, ['93.184.216.34']);
});

t.test('refuses URLs with credentials, fragments, other schemes or no host', async (t) => {
  const { fetch, dialled } = fetcher({ resolve: resolveTo('93.184.216.34') });
  t.equal((await refusal(fetch('https://user:pass@example.com/jwks.json'))).code, 'credentials_in_url');
  t.equal((await refusal(fetch('https://user@example.com/jwks.json'))).code, 'credentials_in_url');
  t.equal((await refusal(fetch('https://example.com/jwks.json#keys'))).code, 'fragment_in_url');
  t.equal((await refusal(fetch('ftp://example.com/jwks.json'))).code, 'scheme_not_allowed');
  t.equal((await refusal(fetch('file:///etc/passwd'))).code, 'scheme_not_allowed');
  t.equal((await refusal(fetch('not a url'))).code, 'invalid_url');
  t.same(dialled, []);
});

t.test('reports a name that does not resolve', async (t) => {
  const { fetch } = fetcher({
    resolve: async () => {
      throw new Error('ENOTFOUND');
    },
  });
  t.equal((await refusal(fetch('https://nowhere.example.test/'))).code, 'dns_failed');
  const empty = fetcher({ resolve: resolveTo() });
  t.equal((await refusal(empty.fetch('https://nowhere.example.test/'))).code, 'dns_failed');
});

t.test('does not follow redirects', async (t) => {
  const server = await serve(t, (url, res) => {
    if (url === '/moved') res.writeHead(302, { location: '/jwks.json' }).end();
    else res.end(jwks);
  });
  const { fetch } = fetcher({ allowLoopback: true });
  t.equal((await refusal(fetch(`http://127.0.0.1:${server.port}/moved`))).code, 'redirect_refused');
  t.same(
    server.seen.map((s) => s.url),
    ['/moved'],
  );
});

t.test('gives up on a server that is slow to answer or to send its body', async (t) => {
  const server = await serve(t, (url, res) => {
    if (url === '/slow-headers') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":');
    // never finishes the body
  });
  const { fetch } = fetcher({ allowLoopback: true, timeoutMs: 300 });
  t.equal((await refusal(fetch(`http://127.0.0.1:${server.port}/slow-headers`))).code, 'timeout');
  t.equal((await refusal(fetch(`http://127.0.0.1:${server.port}/slow-body`))).code, 'timeout');
});

t.test('gives up on a name that is slow to resolve', async (t) => {
  // The resolver answers only after the deadline (a ref'd timer keeps the test process alive meanwhile).
  const late: Resolver = () => new Promise((resolve) => setTimeout(() => resolve([]), 1_000));
  const { fetch } = fetcher({ timeoutMs: 200, resolve: late });
  t.equal((await refusal(fetch('https://slow-dns.example.test/'))).code, 'timeout');
});

t.test('refuses bodies over the size cap, declared or streamed', async (t) => {
  const big = 'x'.repeat(70 * 1024);
  const server = await serve(t, (url, res) => {
    if (url === '/declared') res.writeHead(200, { 'content-length': String(big.length) }).end(big);
    else {
      res.writeHead(200);
      res.write(big.slice(0, 40 * 1024));
      res.end(big.slice(40 * 1024));
    }
  });
  const { fetch } = fetcher({ allowLoopback: true });
  t.equal((await refusal(fetch(`http://127.0.0.1:${server.port}/declared`))).code, 'too_large');
  t.equal((await refusal(fetch(`http://127.0.0.1:${server.port}/chunked`))).code, 'too_large');
});

t.test('POSTs a body with its headers (a webhook) under the same address rules', async (t) => {
  const server = await serve(t, (_url, res) => res.writeHead(204).end());
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const sent = '{"type":"service.approved"}';
  const response = await fetch(`http://hooks.localhost.test:${server.port}/in`, '*/*', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
    body: sent,
  });
  t.equal(response.status, 204);
  t.match(server.seen[0]?.headers, {
    'content-type': 'application/json',
    'webhook-id': 'evt_1',
    'content-length': '27',
  });

  const blocked = fetcher({ allowLoopback: true, resolve: resolveTo('10.1.2.3') });
  const refused = await refusal(
    blocked.fetch('https://hooks.partner.test/in', '*/*', { method: 'POST', headers: {}, body: sent }),
  );
  t.equal(refused.code, 'address_blocked', 'a private address is refused');
  t.same(blocked.dialled, [], 'before anything is sent');
});

t.test('checks a URL to fetch later by the same rules, without connecting', async (t) => {
  await checkFetchTarget('https://hooks.partner.test/in', {
    allowLoopback: false,
    resolve: resolveTo('93.184.216.34'),
  });
  const refused = await refusal(
    checkFetchTarget('https://hooks.partner.test/in', { allowLoopback: false, resolve: resolveTo('169.254.169.254') }),
  );
  t.equal(refused.code, 'address_blocked');
  t.equal(
    (await refusal(checkFetchTarget('http://127.0.0.1:9/in', { allowLoopback: false }))).code,
    'scheme_not_allowed',
  );
  await checkFetchTarget('http://127.0.0.1:9/in', { allowLoopback: true });
});
