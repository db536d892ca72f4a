/**
 * A Checker that answers from prepared CheckReports, for tests of the command layer
 * and console adapter that are about presentation and flow, not DNS. It behaves like
 * the real one at the edges that matter here: TargetError for refused input, an
 * optional delay per target (to make concurrent commands finish out of order), and a
 * record of what was checked.
 */
import { TargetError, type CheckReport } from '../../src/core/check-types.js';
import type { Checker } from '../../src/core/checker.js';
import { cleanLookups, report } from './reports.js';

export class FixtureChecker implements Checker {
  readonly checked: string[] = [];
  readonly reports = new Map<string, CheckReport>();
  readonly delays = new Map<string, number>();

  constructor(private readonly zones = 41) {}

  async check(input: string): Promise<CheckReport> {
    this.checked.push(input);
    const delay = this.delays.get(input) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (/^(10\.|192\.168\.|127\.)/.test(input)) {
      throw new TargetError(`${input} is a private address, which no public blocklist can list; check your server's public IP instead.`, input);
    }
    if (input === 'explode') throw new Error('checker bug');
    return this.reports.get(input) ?? report({ target: input, input, results: cleanLookups(this.zones, input) });
  }

  zoneCount(kind: 'ipv4' | 'ipv6' | 'domain'): number {
    return kind === 'domain' ? 12 : kind === 'ipv6' ? 9 : this.zones;
  }
}
