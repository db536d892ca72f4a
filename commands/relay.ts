/**
 * /relay: is this mail server an open relay? Talks SMTP to the target's servers (MX
 * hosts by preference for a domain) and tries the classic relay tricks, stopping
 * before DATA so nothing is ever delivered. Rate-limited per user because each test
 * knocks on someone's mail server.
 */
import { z } from 'zod';
import { errorReply } from '../src/reply/reply.js';
import { parseTarget, RelayTargetError, relayReply } from '../src/core/relay/index.js';
import type { CommandDefinition } from './types.js';

const schema = z.object({
  target: z
    .string({ error: 'Give a domain, mail server or IP to test, e.g. /relay mail.example.com' })
    .trim()
    .min(1, 'Give a domain, mail server or IP to test, e.g. /relay mail.example.com')
    .max(260, 'That target is too long for a host name.'),
  transcript: z.boolean().optional(),
});

export const relayCommand: CommandDefinition = {
  name: 'relay',
  description: 'Test whether a mail server is an open relay (never sends a message)',
  help: [
    '/relay <domain|host|IP>[:port] [transcript:true]',
    'For a domain, tests each MX host by preference; for a host, each of its addresses; port 25 unless given.',
    'Speaks SMTP (EHLO, STARTTLS when offered), tries MAIL FROM/RCPT TO with outside addresses and the classic tricks (user%domain@host, quoted local parts, bang paths, source routes…), and stops before DATA.',
    'Answers open (which trick worked and what to change), closed, or inconclusive (greylisting, timeouts, port 25 blocked).',
    'transcript:true adds the shortened SMTP conversation.',
  ],
  examples: ['mail.example.com', 'example.com', '203.0.113.25', '[2001:db8::25]:587 transcript:true'],
  options: [
    { name: 'target', description: 'Domain, mail server name or IP, optionally :port', type: 'string', required: true, maxLength: 260 },
    { name: 'transcript', description: 'Show the SMTP conversation (shortened)', type: 'boolean', required: false },
  ],
  permission: 'everyone',
  schema,
  async run(args, ctx) {
    const target = String(args.target);
    const { invocation } = ctx;
    const relay = ctx.services.relay;
    if (!relay) return errorReply('Relay test', 'The relay test is not set up on this bot.');
    // Typos should not use up the user's allowance: check the syntax before counting.
    try {
      parseTarget(target);
    } catch (err) {
      if (err instanceof RelayTargetError) return errorReply(`Relay test: ${target}`, err.message);
      throw err;
    }
    const userKey = `${invocation.platform}:${invocation.workspaceId}:${invocation.user.id}`;
    const decision = relay.takeUserTest(userKey);
    if (!decision.allowed) {
      const minutes = Math.round(decision.windowMs / 60_000);
      const wait = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
      return errorReply(
        'Relay test: slow down',
        `You can run ${decision.limit} relay tests per ${minutes} minutes; try again in about ${wait} minute${wait === 1 ? '' : 's'}.`,
        'Each test connects to a real mail server, so the bot keeps them few. `rblbot relay` on the command line has no limit.',
      );
    }
    await ctx.progress({
      visibility: 'channel',
      title: `Open-relay test: ${target}`,
      level: 'info',
      blocks: [{ kind: 'context', text: [`Testing ${target} for open relaying… (up to a minute or two for slow servers)`] }],
    });
    try {
      const report = await relay.test(target);
      return relayReply(report, { transcript: args.transcript === true });
    } catch (err) {
      if (err instanceof RelayTargetError) {
        // Nothing was contacted, so it does not count against the user's allowance.
        relay.refundUserTest(userKey);
        return errorReply(`Relay test: ${target}`, err.message);
      }
      throw err;
    }
  },
};
