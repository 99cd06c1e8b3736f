import { pino } from 'pino';
import t from 'tap';
import { serviceLoggerOptions } from '../src/index.ts';

/** One log line of a logger built from the shared options, as the JSON object it writes. */
function logLine(details: object): Record<string, unknown> {
  const lines: string[] = [];
  const logger = pino(serviceLoggerOptions({ level: 'info', name: 'test' }), { write: (line) => lines.push(line) });
  logger.info(details, 'logged');
  return JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
}

t.test('masks credential headers of a logged request or response', async (t) => {
  const line = logLine({
    req: { headers: { authorization: 'Bearer abc', cookie: 'session=abc', 'x-csrf-token': 'abc', accept: '*/*' } },
    res: { headers: { 'set-cookie': 'session=abc' } },
  });
  t.same(line.req, {
    headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-csrf-token': '[redacted]', accept: '*/*' },
  });
  t.same(line.res, { headers: { 'set-cookie': '[redacted]' } });
});

t.test('masks secrets, tokens and passwords at the top of a log object and two levels down', async (t) => {
  const line = logLine({
    clientSecret: 'abc',
    secret: 'abc',
    service: { client_assertion: 'abc', id: 'svc-1' },
    job: { credentials: { password: 'abc', token: 'abc' } },
  });
  t.equal(line.clientSecret, '[redacted]');
  t.equal(line.secret, '[redacted]');
  t.same(line.service, { client_assertion: '[redacted]', id: 'svc-1' });
  t.same(line.job, { credentials: { password: '[redacted]', token: '[redacted]' } });
});

t.test('renders an error under err with its type, message and stack', async (t) => {
  const line = logLine({ err: new TypeError('the pool is closed') });
  t.match(line.err, { type: 'TypeError', message: 'the pool is closed', stack: /TypeError: the pool is closed/ });
});
