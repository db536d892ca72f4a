/**
 * docs/metrics.md against the code: its alert rules pass `promtool check rules` (where the
 * Debian package `prometheus` is installed) and use only metrics /metrics serves, and its
 * table names every rblbot_ metric.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package-root.js';
import { PROMTOOL_MISSING, promtool } from '../support/promtool.js';

const doc = fs.readFileSync(path.join(packageRoot(), 'docs', 'metrics.md'), 'utf8');
const rules = /## Example alert rules[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
const METRICS = [
  'rblbot_listed',
  'rblbot_lookups_total',
  'rblbot_lookup_duration_seconds',
  'rblbot_zone_healthy',
  'rblbot_watches',
  'rblbot_outbox_pending',
  'rblbot_alerts_total',
  'rblbot_watch_cycle_duration_seconds',
  'rblbot_commands_total',
];

describe('docs/metrics.md', () => {
  it('documents every metric, and its rules use only those', () => {
    for (const name of METRICS) expect(doc).toContain(`| \`${name}\` |`);
    expect(rules).toContain('rblbot_listed{list_type="block"} == 1');
    for (const used of rules.match(/rblbot_[a-z_]+/g) ?? []) expect(METRICS).toContain(used);
  });

  it.skipIf(PROMTOOL_MISSING)('has alert rules that pass promtool check rules', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-rules-')), 'rules.yml');
    fs.writeFileSync(file, rules);
    const result = promtool(['check', 'rules', file]);
    expect(result.output).toContain('SUCCESS: 5 rules found');
    expect(result.status).toBe(0);
  });
  if (PROMTOOL_MISSING) it.todo(`promtool check rules: ${PROMTOOL_MISSING}`);
});
