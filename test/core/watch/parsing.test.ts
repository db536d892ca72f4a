import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.js';
import { TargetError } from '../../../src/core/check/types.js';
import { formatDuration, parseDuration } from '../../../src/core/watch/duration.js';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../../src/core/watch/sqlite-migrations.js';
import { SqliteWatchStore } from '../../../src/core/watch/sqlite-store.js';
import { parseWatchTarget } from '../../../src/core/watch/watch-target.js';
import { tempDbFile } from '../../support/watch-harness.js';

describe('durations', () => {
  it('reads 30s, 15m, 1h, 1d and long unit words', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration(' 2 hours ')).toBe(7_200_000);
    expect(parseDuration('90MIN')).toBe(5_400_000);
  });

  it('refuses anything else with a sentence naming the accepted forms', () => {
    for (const bad of ['', '1', 'h', '1w', '1.5h', '-1h', 'soon', '1h30m']) {
      expect(() => parseDuration(bad)).toThrow(/like 30s, 15m, 1h or 1d/);
    }
    expect(() => parseDuration('0m')).toThrow(/longer than zero/);
  });

  it('formats intervals back compactly', () => {
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(5_400_000)).toBe('1h 30m');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(30_000)).toBe('30s');
  });

  it('reads RBLBOT_DB as a SQLite file or a PostgreSQL URL, and RBLBOT_LEASE as a duration', () => {
    expect(loadConfig({}).RBLBOT_DB).toEqual({ engine: 'sqlite', file: './data/rblbot.db' });
    expect(loadConfig({ RBLBOT_DB: '/var/lib/rblbot/watch.db' }).RBLBOT_DB).toEqual({ engine: 'sqlite', file: '/var/lib/rblbot/watch.db' });
    expect(loadConfig({ RBLBOT_DB: 'sqlite:rblbot.db' }).RBLBOT_DB).toEqual({ engine: 'sqlite', file: 'rblbot.db' });
    const url = 'postgresql://rblbot:s3cret@db.example.net:5432/rblbot?sslmode=require';
    expect(loadConfig({ RBLBOT_DB: url }).RBLBOT_DB).toEqual({ engine: 'postgres', url });
    expect(loadConfig({ RBLBOT_DB: 'POSTGRES://u@h/db' }).RBLBOT_DB).toMatchObject({ engine: 'postgres' });
    // A mistyped URL is refused with the password hidden, not turned into a folder named "postgres:".
    expect(() => loadConfig({ RBLBOT_DB: 'postgres://rblbot:s3cret@' })).toThrow(
      /RBLBOT_DB is wrong: "postgres:\/\/rblbot:\*\*\*@" is not a valid PostgreSQL URL/,
    );
    expect(() => loadConfig({ RBLBOT_DB: 'mysql://u:p@h/db' })).toThrow(/neither a file path nor a postgres:\/\/ URL/);
    expect(() => loadConfig({ RBLBOT_DB: 'sqlite:' })).toThrow(/needs a file after it/);
    expect(loadConfig({}).RBLBOT_LEASE).toBe(30_000);
    expect(loadConfig({ RBLBOT_LEASE: '2m' }).RBLBOT_LEASE).toBe(120_000);
    expect(() => loadConfig({ RBLBOT_LEASE: '1s' })).toThrow(/RBLBOT_LEASE must be from 3s to 3600s/);
    expect(() => loadConfig({ RBLBOT_LEASE: 'soon' })).toThrow(/RBLBOT_LEASE must be a duration/);
  });

  it('validates RBLBOT_MIN_INTERVAL and the watch caps at start-up', () => {
    expect(loadConfig({ RBLBOT_MIN_INTERVAL: '30s' }).RBLBOT_MIN_INTERVAL).toBe('30s');
    expect(() => loadConfig({ RBLBOT_MIN_INTERVAL: 'often' })).toThrow(/RBLBOT_MIN_INTERVAL must be a duration like 30s, 15m, 1h or 1d/);
    expect(loadConfig({}).RBLBOT_WATCH_MAX_PER_CHANNEL).toBe(300);
    expect(() => loadConfig({ RBLBOT_WATCH_MAX_PER_WORKSPACE: 'lots' })).toThrow(/RBLBOT_WATCH_MAX_PER_WORKSPACE must be a whole number/);
  });
});

describe('watch targets', () => {
  it('expands a range to each address, normalising host bits', () => {
    const spec = parseWatchTarget('203.0.113.9/29');
    expect(spec.label).toBe('203.0.113.8/29');
    expect(spec.targets).toEqual([
      '203.0.113.8',
      '203.0.113.9',
      '203.0.113.10',
      '203.0.113.11',
      '203.0.113.12',
      '203.0.113.13',
      '203.0.113.14',
      '203.0.113.15',
    ]);
    expect(parseWatchTarget('198.51.100.0/24').targets).toHaveLength(256);
    expect(parseWatchTarget('198.51.100.7/32')).toMatchObject({ targets: ['198.51.100.7'], isRange: false });
  });

  it('passes single targets through for the checker to normalise', () => {
    expect(parseWatchTarget('Mail.Example.COM.')).toMatchObject({ label: 'mail.example.com', isRange: false });
    expect(parseWatchTarget('[2001:db8::1]').targets).toEqual(['2001:db8::1']);
  });

  it('refuses ranges larger than /24 stating the limit, private ranges, IPv6 ranges and garbage', () => {
    expect(() => parseWatchTarget('198.51.100.0/16')).toThrow(
      '198.51.100.0/16 has 65,536 addresses; at most a /24 (256 addresses) is checked at once.',
    );
    expect(() => parseWatchTarget('192.168.1.0/24')).toThrow(/private \(RFC 1918\) range/);
    expect(() => parseWatchTarget('100.64.0.0/28')).toThrow(/carrier-grade NAT/);
    expect(() => parseWatchTarget('2001:db8::/48')).toThrow(/Only IPv4 ranges/);
    expect(() => parseWatchTarget('203.0.113.0/33')).toThrow(/not a valid range/);
    expect(() => parseWatchTarget('rm -rf /')).toThrow(TargetError);
    expect(() => parseWatchTarget('<@U123> hi')).toThrow(/is not an IP address, domain, hostname or IPv4 range/);
  });
});

describe('SQLite store', () => {
  it('creates its directory, uses WAL, applies migrations once and reopens', async () => {
    const file = tempDbFile();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
    const store = new SqliteWatchStore(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.schemaVersion()).toBe(5);
    await store.close();
    const again = new SqliteWatchStore(file);
    expect(again.schemaVersion()).toBe(5);
    expect(again.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 5 });
    await again.close();
  });

  it('upgrades a version-2 file: every watched target gets the state row its lease lives on', async () => {
    const file = tempDbFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    for (const m of SQLITE_MIGRATIONS.slice(0, 2)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(m.version);
    }
    old.exec(`INSERT INTO watches (platform, workspace_id, channel_id, target, label, interval_ms, next_due, created_at, created_by)
              VALUES ('slack', 'T', 'C', '192.0.2.9', '192.0.2.9', 1000, 5, 0, 'U')`);
    old.close();
    const store = new SqliteWatchStore(file);
    expect(store.schemaVersion()).toBe(5);
    expect((await store.claimDueWatches(10, { owner: 'me', now: 10, until: 100 })).map((w) => w.target)).toEqual(['192.0.2.9']);
    await store.close();
  });

  it('selects due watches earliest first through the next_due index', async () => {
    const store = new SqliteWatchStore(tempDbFile());
    const channel = { platform: 'console' as const, workspaceId: 'W', channelId: 'C' };
    const dues = [500, 100, 300, 900];
    const res = await store.addWatches({
      channel,
      watches: dues.map((_, i) => ({ target: `192.0.2.${i + 1}`, label: `192.0.2.${i + 1}` })),
      intervalMs: 1000,
      nextDue: (i) => dues[i]!,
      createdBy: 't',
      now: 0,
      limits: { perChannel: 10, perWorkspace: 10 },
    });
    expect(res.ok).toBe(true);
    expect(await store.nextDueAt(0)).toBe(100);
    expect((await store.claimDueWatches(10, { owner: 't', now: 500, until: 1500 })).map((w) => w.nextDue)).toEqual([100, 300, 500]);
    // Leased targets wake the scheduler when their lease runs out (1500), the free one when due (900).
    expect(await store.nextDueAt(600)).toBe(900);
    const plan = store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT w.target FROM watches w JOIN target_state s ON s.target = w.target
         WHERE w.next_due <= ? AND (s.lease_owner IS NULL OR s.lease_until <= ?) ORDER BY w.next_due LIMIT ?`,
      )
      .all(1, 1, 1);
    expect(JSON.stringify(plan)).toContain('USING COVERING INDEX watches_due');
    await store.close();
  });
});
