/**
 * Discord adapter speed:
 *  1. escaping untrusted text: rblbot's linear escaper beside discord.js escapeMarkdown
 *     (the reference), whose look-behind patterns grow quadratically (goal: ours stays
 *     linear and handles a 100 kB pasted bounce in well under 50 ms);
 *  2. rendering a Reply to embeds, a typical /rbl answer and a huge one (goal < 20 ms);
 *  3. time from an interaction arriving to the defer reaching the (fake) API while 20
 *     slow commands are running (goal: far below Discord's 3 s).
 */
import { silentLogger } from '../src/app/logger.js';
import { escapeMarkdown, GatewayDispatchEvents } from 'discord.js';
import { z } from 'zod';
import type { CommandArgs, CommandDefinition } from '../commands/types.js';
import { createDiscordAdapter } from '../src/adapters/discord/index.js';
import type { Checker } from '../src/core/check/checker.js';
import type { ListItem, Reply } from '../src/reply/reply.js';
import { escapeDiscord, renderDiscord } from '../src/adapters/discord/render.js';
import { FakeDiscord } from '../test/support/fake-discord.js';
import { chatInput } from '../test/support/discord-payloads.js';
import type { BenchSuite, BenchTable } from './types.js';

function time(fn: () => unknown, minMs = 200): number {
  let runs = 0;
  const started = performance.now();
  do {
    fn();
    runs++;
  } while (performance.now() - started < minMs && runs < 10_000);
  return (performance.now() - started) / runs;
}

function bounceLike(length: number): string {
  const line = 'Diagnostic-Code: smtp; 550 5.7.1 <user_name@example.com>: *blocked* using zen.spamhaus.org\n';
  return line.repeat(Math.ceil(length / line.length)).slice(0, length);
}

function rblReply(listed: number): Reply {
  const items: ListItem[] = Array.from({ length: listed }, (_, i) => ({
    level: 'bad',
    title: [{ bold: `List ${i}` }, ' ', { code: `zone${i}.example.org` }],
    lines: [
      ['Listed for sending spam to trap addresses; see the TXT record for the exact reason.'],
      [{ link: `https://example.org/remove?ip=203.0.113.5&z=${i}`, label: 'Request removal' }],
    ],
  }));
  return {
    visibility: 'channel',
    title: 'Blocklist check: 203.0.113.5',
    level: 'bad',
    blocks: [
      { kind: 'verdict', level: 'bad', text: [`203.0.113.5 is listed on ${listed} of 60 lists`] },
      {
        kind: 'fields',
        fields: [
          { label: 'PTR', value: ['mail.example.org'] },
          { label: 'FCrDNS', value: ['yes'] },
        ],
      },
      { kind: 'list', heading: 'Listed on', items },
      { kind: 'context', text: [`${60 - listed} lists clean · 180 ms`] },
    ],
  };
}

async function deferLatency(): Promise<BenchTable> {
  const fake = await FakeDiscord.start();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: CommandDefinition = {
    name: 'slow',
    description: 'waits',
    help: [],
    examples: [],
    options: [],
    permission: 'everyone',
    schema: z.object({}) as unknown as z.ZodType<CommandArgs>,
    run: async () => {
      await gate;
      return { visibility: 'channel', title: 'done', level: 'ok', blocks: [] };
    },
  };
  const adapter = createDiscordAdapter({
    config: { DISCORD_TOKEN: 'bench', DISCORD_APP_ID: '1', DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: {} as Checker },
    commands: [slow],
    logger: silentLogger,
  });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const raw = chatInput('slow');
      const started = performance.now();
      adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
      await fake.waitFor((r) => r.path.includes(`/${raw.token}/callback`));
      latencies.push(performance.now() - started);
    }
  } finally {
    release();
    await fake.waitFor((r) => r.method === 'PATCH', 20).catch(() => undefined);
    await adapter.stop();
    await fake.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    title: 'Interaction → defer at the API, with up to 20 commands still running',
    columns: ['median ms', 'max ms', 'Discord limit ms'],
    rows: [[latencies[10]!.toFixed(1), latencies.at(-1)!.toFixed(1), 3000]],
    notes: ['The defer is sent before any command work starts, so running commands do not delay it.'],
  };
}

export const suite: BenchSuite = {
  name: 'discord',
  async run() {
    const escapeRows: (string | number)[][] = [];
    const inputs: [string, number, string][] = [
      ['bounce lines', 5_000, bounceLike(5_000)],
      ['bounce lines', 100_000, bounceLike(100_000)],
      ['one long line', 1_000, 'x'.repeat(1_000)],
      ['one long line', 5_000, 'x'.repeat(5_000)],
      ['one long line', 100_000, 'x'.repeat(100_000)],
    ];
    for (const [kind, length, text] of inputs) {
      const ours = time(() => escapeDiscord(text));
      // The reference is quadratic in line length: skipped where it would take minutes.
      const reference = kind === 'one long line' && length > 5_000 ? undefined : time(() => escapeMarkdown(text), 50);
      escapeRows.push([
        kind,
        length,
        ours.toFixed(3),
        reference === undefined ? '(minutes)' : reference.toFixed(1),
        reference === undefined ? '—' : `${(reference / ours).toFixed(0)}×`,
      ]);
    }
    const renderRows = [3, 25, 300].map((listed) => {
      const reply = rblReply(listed);
      const message = renderDiscord(reply);
      return [listed, time(() => renderDiscord(reply)).toFixed(3), message.embeds.length, message.files.length > 0 ? 'yes' : 'no'];
    });
    return [
      {
        title: 'Escaping untrusted text (ms per call)',
        columns: ['text', 'characters', 'rblbot escapeDiscord', 'discord.js escapeMarkdown', 'reference / ours'],
        rows: escapeRows,
        notes: ['Goal: linear growth; a 100,000-character bounce well under 50 ms.'],
      },
      {
        title: 'Rendering a /rbl answer to embeds',
        columns: ['listed zones', 'ms per render', 'embeds', 'report attached'],
        rows: renderRows,
        notes: ['Goal: < 20 ms even when the answer must be cut and attached (a loaded 2-core machine).'],
      },
      await deferLatency(),
    ];
  },
};
