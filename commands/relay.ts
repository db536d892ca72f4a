/**
 * /relay: is this mail server an open relay? Talks SMTP to the target's servers (MX
 * hosts by preference for a domain) and tries the classic relay tricks, stopping
 * before DATA so nothing is ever delivered. Rate-limited per user because each test
 * knocks on someone's mail server.
 */
import { z } from 'zod';
import { parseTarget, RelayTargetError, relayLimitReply, relayProgressReply, relayReply } from '../src/core/relay/index.js';
import { UserError } from '../src/reply/errors.js';
import { defineCommand } from './types.js';

const schema = z.object({
  target: z
    .string({ error: 'Give a domain, mail server or IP to test, e.g. /relay mail.example.com' })
    .trim()
    .min(1, 'Give a domain, mail server or IP to test, e.g. /relay mail.example.com')
    .max(260, 'That target is too long for a host name.'),
  transcript: z.boolean().optional(),
});

export const relayCommand = defineCommand({
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
    const { target } = args;
    const { invocation } = ctx;
    const relay = ctx.services.relay;
    if (!relay) throw new UserError('The relay test is not set up on this bot.');
    // Typos should not use up the user's allowance: check the syntax (throws a UserError) before counting.
    parseTarget(target);
    const userKey = `${invocation.platform}:${invocation.workspaceId}:${invocation.user.id}`;
    const decision = relay.takeUserTest(userKey);
    if (!decision.allowed) return relayLimitReply(decision);
    await ctx.progress(relayProgressReply(target));
    try {
      const report = await relay.test(target);
      return relayReply(report, { transcript: args.transcript === true });
    } catch (err) {
      // Nothing was contacted, so it does not count against the user's allowance.
      if (err instanceof RelayTargetError) relay.refundUserTest(userKey);
      throw err;
    }
  },
});
