/** Starts bench/dns-server-process.ts and lets a benchmark steer it. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface, type Interface } from 'node:readline';

export class RemoteDnsServer {
  private constructor(
    readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
    readonly addresses: string[],
  ) {}

  static async start(ports = 4): Promise<RemoteDnsServer> {
    // From the sources (tsx) start the .ts server through tsx; from the compiled bench, the .js one.
    const compiled = import.meta.url.endsWith('.js');
    const script = new URL(compiled ? './dns-server-process.js' : './dns-server-process.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script, String(ports)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl: Interface = createInterface({ input: child.stdout });
    const lines = rl[Symbol.asyncIterator]();
    const first = await lines.next();
    const { addresses } = JSON.parse(String(first.value)) as { addresses: string };
    return new RemoteDnsServer(child, lines, addresses.split(','));
  }

  async set(command: { latencyMs?: number; silent?: string[]; add?: [string, 'A' | 'TXT' | 'PTR', string][] }): Promise<void> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    await this.lines.next();
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
