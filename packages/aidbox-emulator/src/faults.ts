/**
 * Fault injection: latency, 503 answers, write conflicts (409 or 412 to a PUT or DELETE) and dropped connections, so that tests can show how callers (the
 * provisioner above all) behave when Aidbox is slow or failing. Faults act in the first `onRequest` hook, before any
 * authentication, parsing or handler, so a faulted request never changes anything. `GET /health` is exempt: a
 * launcher must be able to tell that the emulator is up even while it is told to misbehave. Held requests (see
 * request-holds.ts) wait in the same hook, before the faults, which they meet once released.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { operationOutcome } from './operation-outcome.ts';
import type { FaultOptions } from './options.ts';

/** Fault options with every default filled in; `writeConflictStatus` stays open when left to chance. */
export type Faults = Required<Omit<FaultOptions, 'writeConflictStatus'>> & Pick<FaultOptions, 'writeConflictStatus'>;

/** Checks fault options and fills in the defaults (no faults); throws a RangeError naming every bad value. */
export function normalizeFaults(faults: FaultOptions = {}): Faults {
  const problems: string[] = [];
  const rate = (name: 'errorRate' | 'dropRate' | 'writeConflictRate') => {
    const value = faults[name] ?? 0;
    if (!(typeof value === 'number' && value >= 0 && value <= 1)) problems.push(`${name} must be between 0 and 1`);
    return value;
  };
  const errorRate = rate('errorRate');
  const dropRate = rate('dropRate');
  const writeConflictRate = rate('writeConflictRate');
  const { writeConflictStatus } = faults;
  if (writeConflictStatus !== undefined && writeConflictStatus !== 409 && writeConflictStatus !== 412) {
    problems.push('writeConflictStatus must be 409 or 412');
  }
  const latencyMs = faults.latencyMs ?? 0;
  if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) problems.push('latencyMs must be a non-negative number');
  if (problems.length > 0) throw new RangeError(`invalid faults: ${problems.join('; ')}`);
  return {
    errorRate,
    dropRate,
    latencyMs,
    writeConflictRate,
    ...(writeConflictStatus !== undefined && { writeConflictStatus }),
  };
}

/** The writes a serialization conflict is injected into: the idempotent ones, which a caller may simply repeat. */
function isWrite(request: FastifyRequest): boolean {
  return request.method === 'PUT' || request.method === 'DELETE';
}

export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url;
}

/** Registers the fault hook; returns the set of requests whose connection it dropped (they are never answered). */
export function registerFaultInjection(app: FastifyInstance, context: EmulatorContext): WeakSet<FastifyRequest> {
  const dropped = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' && pathOf(request) === '/health') return;
    const drop = () => {
      dropped.add(request);
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    };
    if ((await context.holds.wait({ method: request.method, path: pathOf(request) })) === 'drop') return drop();
    const { latencyMs, errorRate, dropRate, writeConflictRate, writeConflictStatus } = context.faults;
    if (latencyMs > 0) await sleep(latencyMs);
    if (dropRate > 0 && Math.random() < dropRate) return drop();
    if (errorRate > 0 && Math.random() < errorRate) {
      const outcome = operationOutcome([
        { severity: 'fatal', code: 'transient', diagnostics: 'Service unavailable (injected fault); retry later' },
      ]);
      return reply.code(503).header('retry-after', '1').send(outcome);
    }
    if (writeConflictRate > 0 && isWrite(request) && Math.random() < writeConflictRate) {
      const status = writeConflictStatus ?? (Math.random() < 0.5 ? 409 : 412);
      const outcome = operationOutcome([
        {
          severity: 'fatal',
          code: 'conflict',
          diagnostics: 'Could not serialize access due to a concurrent update (injected fault); retry',
        },
      ]);
      return reply.code(status).send(outcome);
    }
  });
  return dropped;
}
