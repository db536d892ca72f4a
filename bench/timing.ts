/**
 * What several benches share: the median of repeated measurements, and a whole child
 * process timed from spawn to exit (how a user meets a command).
 */
import { spawn } from 'node:child_process';

/** The middle value (the upper one of an even count): robust to a run disturbed by load. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface TimedOptions {
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Which exit statuses are answers (default 0, or 1 as `rblbot check` exits when something is listed). */
  readonly ok?: (code: number | null) => boolean;
}

export interface TimedRun {
  /** Spawn to exit. */
  readonly ms: number;
  /**
   * Spawn to the last bytes of its output reaching us: when its answer was complete, seen
   * from outside, the same way for every tool (some hold their process open long after).
   */
  readonly outputMs: number;
  readonly stdout: string;
}

/** Run `command args…` to its end: its stdout and the whole process's wall time, or why it failed. */
export function timedProcess(command: string, args: readonly string[], options: TimedOptions = {}): Promise<TimedRun> {
  const ok = options.ok ?? ((code) => code === 0 || code === 1);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    let outputAt = started;
    child.stdout.on('data', (d) => {
      stdout += String(d);
      outputAt = performance.now();
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (ok(code)) resolve({ ms, outputMs: outputAt - started, stdout });
      else reject(new Error(`${command} ${args[0] ?? ''} exited ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}
