import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestDnsServer } from '../../support/dns-server.js';
import { ManualClock } from '../../../src/core/watch/clock.js';
import { openWatchStore, type DatabaseSetting } from '../../../src/core/watch/open-store.js';
import { HOUR, RecordingNotifier, consoleChannel, startHarness } from '../../support/watch-harness.js';
import { describeEngines } from '../../support/engines.js';

const IP = '203.0.113.5';
let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/watch-commit-then-die.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const settingArg = (d: DatabaseSetting): string => (d.engine === 'sqlite' ? d.file : d.url);

describeEngines('watches across restarts', (engine) => {
  it('keeps watches and a pending change in the same file across a restart', async () => {
    dns.unlistIp(IP, 'bl.spamcop.net');
    const database = await engine.newDatabase();
    const clock = new ManualClock();
    let h = await startHarness({ dns, database, clock });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin', intervalMs: 2 * HOUR });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(2 * HOUR); // seen once: pending
    await h.stop();

    h = await startHarness({ dns, database, clock });
    const [view] = await h.service.list(consoleChannel());
    expect(view!.label).toBe(IP);
    expect(view!.watches[0]!.intervalMs).toBe(2 * HOUR);
    expect(view!.states[0]!.zones[`bl.spamcop.net|${IP}`]).toMatchObject({ pending: 'listed', pendingCount: 1 });
    await h.advance(2 * HOUR); // seen twice: confirmed
    expect(h.notifier.delivered).toHaveLength(1);
    await h.stop();
    dns.unlistIp(IP, 'bl.spamcop.net');
  });

  it('delivers exactly one alert after the process died between the status change and the delivery', async () => {
    dns.unlistIp(IP, 'bl.spamcop.net');
    const database = await engine.newDatabase();
    const clock = new ManualClock();
    let h = await startHarness({ dns, database, clock });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR); // pending
    await h.stop();

    // The second confirming check happens in a child that commits and is killed at once.
    const child = await runChild([settingArg(database), dns.address, String(clock.now() + HOUR)]);
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    expect(JSON.parse(child.stdout)).toMatchObject({ targets: 1, changes: 1, alerts: 1 });

    const peek = await openWatchStore(database);
    const rows = await peek.allAlerts();
    await peek.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sentAt: null, attempts: 0 });

    clock.advance(HOUR);
    const notifier = new RecordingNotifier();
    h = await startHarness({ dns, database, clock, notifier });
    expect(notifier.delivered).toHaveLength(1);
    expect(notifier.delivered[0]!.key).toBe(rows[0]!.idempotencyKey);
    expect(JSON.stringify(notifier.delivered[0]!.reply)).toContain('SpamCop Blocking List (SCBL)');
    await h.advance(HOUR);
    await h.stop();

    // A further restart sends nothing again.
    h = await startHarness({ dns, database, clock, notifier });
    await h.advance(HOUR);
    expect(notifier.delivered).toHaveLength(1);
    await h.stop();
    dns.unlistIp(IP, 'bl.spamcop.net');
  });
});
