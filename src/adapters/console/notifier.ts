/**
 * The console adapter's Notifier: watch alerts for console channels are printed to the
 * console's output, rendered like every other console answer (src/reply/render.ts, which
 * strips anything a terminal would act on).
 */
import type { Writable } from 'node:stream';
import type { ChannelRef, Notifier } from '../../core/watch/notifier.js';
import type { Reply } from '../../reply/reply.js';
import { renderText } from '../../reply/render.js';

export function createConsoleNotifier(out: Writable = process.stdout, options: { color?: boolean } = {}): Notifier {
  return {
    platform: 'console',
    async send(_channel: ChannelRef, reply: Reply): Promise<void> {
      const text = `\n${renderText(reply, { color: options.color })}`;
      await new Promise<void>((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
    },
  };
}
