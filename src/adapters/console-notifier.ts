/**
 * The console adapter's Notifier: watch alerts for console channels are printed to
 * stdout. Uses a minimal plain-text form until src/render/text.ts is on main; switch
 * `renderPlain` to it then.
 */
import type { Writable } from 'node:stream';
import type { ChannelRef, Notifier } from '../core/notifier.js';
import type { Inline, Reply } from '../core/reply.js';

export function createConsoleNotifier(out: Writable = process.stdout): Notifier {
  return {
    platform: 'console',
    async send(channel: ChannelRef, reply: Reply): Promise<void> {
      await new Promise<void>((resolve, reject) =>
        out.write(`\n[alert #${channel.channelId}] ${renderPlain(reply)}\n`, (err) => (err ? reject(err) : resolve())),
      );
    },
  };
}

/** Reply → plain text, with control characters removed so a TXT record cannot drive the terminal. */
export function renderPlain(reply: Reply): string {
  const lines = [reply.title];
  for (const b of reply.blocks) {
    switch (b.kind) {
      case 'verdict':
      case 'text':
      case 'context':
        lines.push(inline(b.text));
        break;
      case 'code':
        lines.push(...b.text.split('\n').map((l) => `    ${clean(l)}`));
        break;
      case 'fields':
        for (const f of b.fields) lines.push(`${clean(f.label)}: ${inline(f.value)}`);
        break;
      case 'list':
        lines.push(`${clean(b.heading)}:`);
        for (const item of b.items) {
          lines.push(`  - ${inline(item.title)}`);
          for (const l of item.lines ?? []) lines.push(`    ${inline(l)}`);
        }
        break;
    }
  }
  return lines.join('\n');
}

function inline(parts: readonly Inline[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? clean(p) : 'link' in p ? `${clean(p.label)} <${clean(p.link)}>` : 'code' in p ? clean(p.code) : clean(p.bold)))
    .join('');
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
