/**
 * The bot as a user runs it: `rblbot` (src/cli.ts through tsx) in its own process, with
 * only the environment a test gives it. Collects stderr (where the adapters' start-up
 * lines and the retry sentences go) and stops it with a real signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface BotProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr matches `pattern` (rejects after `timeoutMs`, quoting stderr). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Send `signal` and resolve with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startBotProcess(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    async waitForStderr(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`stderr never matched ${pattern} (exit ${child.exitCode}); stderr:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A loopback port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
