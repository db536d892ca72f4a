/**
 * .env.example and docs/configuration.md against the configuration schema: every
 * variable rblbot reads is in both and nothing else is, copying .env.example changes no
 * setting, and every default it shows is the default the code uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_NAMES, loadConfig } from '../../src/app/config.js';
import { packageRoot } from '../../src/core/package-root.js';
import { DEFAULT_DB_PATH } from '../../src/core/watch/index.js';
import { DEFAULT_MIN_INTERVAL_MS, formatDuration } from '../../src/core/watch/duration.js';
import { DEFAULT_DISCORD_API } from '../../src/adapters/discord/index.js';
import { RELAY_DEFAULTS } from '../../src/core/relay/tester.js';

const root = packageRoot();
const example = readFileSync(join(root, '.env.example'), 'utf8');
const reference = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
const names = [...CONFIG_NAMES].sort();

/** Variables whose schema leaves them undefined; the code that uses them applies these defaults. */
const appliedLater: Record<string, string> = {
  RBLBOT_DB: DEFAULT_DB_PATH,
  RBLBOT_MIN_INTERVAL: formatDuration(DEFAULT_MIN_INTERVAL_MS),
  DISCORD_API_URL: DEFAULT_DISCORD_API,
  RBLBOT_RELAY_EXTERNAL_DOMAIN: RELAY_DEFAULTS.externalDomain,
};

/** `NAME=value` lines, set (`# ` absent) or shown as a commented-out default. */
function assignments(text: string): { name: string; value: string; commented: boolean }[] {
  return [...text.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[2]!, value: m[3]!.trim(), commented: Boolean(m[1]) }));
}

describe('.env.example', () => {
  const lines = assignments(example);

  it('names every configuration variable once, and nothing else', () => {
    expect(lines.map((l) => l.name).sort()).toEqual(names);
  });

  it('starts with the minimum for Slack and for Discord, empty', () => {
    const set = lines.filter((l) => !l.commented);
    expect(set.map((l) => l.name)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'DISCORD_APP_ID']);
    expect(set.every((l) => l.value === '')).toBe(true);
    expect(lines.slice(0, 4)).toEqual(set);
  });

  it('changes nothing when copied to .env', () => {
    expect(loadConfig(parseEnv(example))).toEqual(loadConfig({}));
  });

  it('shows the defaults the code uses', () => {
    const defaults = loadConfig({});
    for (const { name, value } of lines.filter((l) => l.commented && l.value !== '')) {
      if (name in appliedLater) expect(value, name).toBe(appliedLater[name]);
      else expect(loadConfig({ [name]: value })[name as keyof typeof defaults], name).toEqual(defaults[name as keyof typeof defaults]);
    }
  });
});

describe('docs/configuration.md', () => {
  it('has a row for every configuration variable', () => {
    const documented = [...reference.matchAll(/^\| `([A-Z][A-Z0-9_]*)(?:=[^`]*)?`/gm)].map((m) => m[1]!);
    const extras = ['NO_COLOR', 'TERM', 'FORCE_COLOR', 'RBLBOT_DEBUG'];
    expect(documented.filter((n) => !extras.includes(n)).sort()).toEqual(names);
  });
});
