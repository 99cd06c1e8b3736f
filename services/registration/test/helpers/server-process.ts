import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`, read from the server's own "listening" log line. */
  readonly baseUrl: string;
  /** Settles when the process exits, with its code and when. */
  readonly exit: Promise<{ code: number | null; at: number }>;
  /** Its output so far (stdout lines and stderr chunks), for failure messages. */
  readonly logs: string[];
  /** SIGKILLs it if it still runs. */
  kill(): void;
}

/**
 * Starts the real registration server (`src/server.ts`, as production runs it) on an ephemeral loopback port and
 * resolves once it listens. `env` is the whole environment besides PATH and the like: nothing leaks in from the
 * caller's settings unless passed.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const logs: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => logs.push(chunk));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`the server did not listen within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const found = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (found?.[1]) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return { child, baseUrl, exit, logs, kill };
}
