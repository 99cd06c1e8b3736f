import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { classifyFailure, SafeFetchError } from './errors.ts';

/** An address that passed the address policy, and the port to dial on it. */
export interface DialTarget {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

/**
 * Opens a TCP connection to a checked address (never a name: nothing may resolve it again) and settles once it is
 * connected or has failed. Injected in tests to produce failures loopback cannot (no route to a network).
 */
export type Connector = (target: DialTarget, signal: AbortSignal) => Promise<Socket>;

/**
 * Errors a socket emits after its promise settled (a reset while nobody reads it) are reported through the request
 * that uses it, or not at all: without a listener an `'error'` event would end the whole process.
 */
function absorbLateErrors(socket: Socket): void {
  socket.on('error', () => {});
}

/**
 * Settles when `socket` emits `ready` (resolves), fails or the signal aborts (destroys it and rejects). Whatever
 * happens, the socket keeps an error listener: see {@link absorbLateErrors}.
 */
function settlement(socket: Socket, ready: 'connect' | 'secureConnect', signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      socket.off(ready, onReady);
      socket.off('error', settle);
      absorbLateErrors(socket);
      if (error === undefined) resolve();
      else {
        socket.destroy();
        reject(error);
      }
    };
    const onReady = () => settle();
    const onAbort = () => settle(signal.reason);
    socket.once(ready, onReady);
    socket.once('error', settle);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The default connector: a plain TCP connection to the literal address. */
export const tcpConnector: Connector = async (target, signal) => {
  const socket = net.connect({ host: target.address, port: target.port, family: target.family });
  await settlement(socket, 'connect', signal);
  return socket;
};

export interface TlsSettings {
  /** The URL's host: the certificate must be valid for it; sent as SNI unless it is an IP literal. */
  readonly hostname: string;
  /** Trust anchors replacing Node's bundled ones (tests); undefined trusts the usual public authorities. */
  readonly ca?: string | readonly string[] | undefined;
}

/** Runs the TLS handshake over a connected socket, verifying the certificate against the URL's host name. */
export async function upgradeToTls(socket: Socket, settings: TlsSettings, signal: AbortSignal): Promise<TLSSocket> {
  const bare = settings.hostname.replace(/^\[|\]$/g, '');
  const secure = tls.connect({
    socket,
    host: bare,
    // SNI carries names only (RFC 6066 §3).
    ...(net.isIP(bare) === 0 && { servername: bare }),
    ...(settings.ca !== undefined && { ca: settings.ca as string[] }),
    ALPNProtocols: ['http/1.1'],
    minVersion: 'TLSv1.2',
  });
  try {
    await settlement(secure, 'secureConnect', signal);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return secure;
}

export interface DialOptions {
  readonly connect: Connector;
  readonly deadline: AbortSignal;
  readonly timeoutMs: number;
  /** Longest wait for one address before the next is tried (the deadline still bounds the whole). */
  readonly attemptTimeoutMs: number;
  readonly beforeConnect?: ((target: { address: string; port: number }) => void) | undefined;
}

/**
 * Connects to the first address that accepts, in the resolver's order (RFC 8305 in its simplest, sequential form):
 * a name with an unreachable IPv6 address and a working IPv4 one still works. Only connect failures move on to the
 * next address; the error names every address that failed.
 */
export async function dialFirstReachable(targets: readonly DialTarget[], options: DialOptions): Promise<Socket> {
  const failures: SafeFetchError[] = [];
  for (const [index, target] of targets.entries()) {
    // The guard may refuse (tests): that refusal is final, not a reason to try another address.
    options.beforeConnect?.({ address: target.address, port: target.port });
    const last = index === targets.length - 1;
    const signal = last
      ? options.deadline
      : AbortSignal.any([options.deadline, AbortSignal.timeout(options.attemptTimeoutMs)]);
    try {
      return await options.connect(target, signal);
    } catch (cause) {
      const failure = classifyFailure(signal.aborted && !options.deadline.aborted ? timedOut() : cause, {
        phase: 'connect',
        address: target.address,
        deadline: options.deadline,
        timeoutMs: options.timeoutMs,
      });
      if (options.deadline.aborted) throw failure;
      failures.push(failure);
    }
  }
  throw combined(failures);
}

function timedOut(): Error {
  return Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' });
}

/** One failure as it is; several as one sentence naming each address, with the last one's code. */
function combined(failures: readonly SafeFetchError[]): SafeFetchError {
  const last = failures.at(-1);
  if (!last) return new SafeFetchError('dns_failed', 'has no address to connect to');
  if (failures.length === 1) return last;
  const each = failures.map((failure) => failure.message.replace(/^could not be reached: /, '')).join('; ');
  return new SafeFetchError(last.code, `could not be reached at any of its addresses: ${each}`, {
    cause: new AggregateError(failures),
  });
}
