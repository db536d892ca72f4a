/**
 * Prometheus's own checker (Debian package `prometheus`), when installed: `promtool check
 * metrics` lints an exposition, `promtool check rules` a rules file. Tests skip those
 * steps with a message where it is missing.
 */
import { spawnSync } from 'node:child_process';

export const PROMTOOL_MISSING = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).error
  ? 'promtool is not installed (apt-get install prometheus)'
  : null;

/** Runs promtool with `args`, `input` on stdin; returns exit status and output. */
export function promtool(args: readonly string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', [...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
