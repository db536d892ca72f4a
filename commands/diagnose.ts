/**
 * /diagnose: explain a bounce. Platform-neutral: Slack and the console pass the pasted
 * text as the `bounce` rest option; the Discord adapter adds a modal and a message
 * action that feed the same option (or an attachment's text).
 */
import { z } from 'zod';
import { createDiagnoser, diagnosisReply } from '../src/core/diagnose/index.js';
import { MAX_INPUT_BYTES } from '../src/core/diagnose/types.js';
import { errorReply } from '../src/reply/reply.js';
import { defineCommand } from './types.js';

const schema = z
  .object({
    bounce: z.string({ error: 'Paste the bounce after /diagnose (the whole message or just the error line).' }).optional(),
  })
  // Discord may send more options (an attachment's `file`); they are not ours to refuse.
  .passthrough();

export const diagnoseCommand = defineCommand({
  name: 'diagnose',
  description: 'Explain a bounce: who refused it, why, whether a blocklist is involved, and what to do.',
  help: [
    'Usage: /diagnose <pasted bounce>',
    'Paste a whole bounce (Postfix, Exim, Exchange/Outlook, Gmail, Yahoo…), a DSN, or a single SMTP reply line such as "550 5.7.1 … blocked using zen.spamhaus.org".',
    'The answer names the reason (Sisimai vocabulary), the reply and status codes, the rejecting server, the sending IP it blamed, every blocklist named (re-checked live), and ordered advice with links.',
    'Several failed recipients in one bounce get one diagnosis each. Auto-replies, feedback reports and delivery notices are recognised as such.',
  ],
  examples: [
    '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org',
    "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. (S3140)",
  ],
  options: [
    {
      name: 'bounce',
      description: 'The bounce text, or just the SMTP error line',
      type: 'string',
      required: true,
      rest: true,
      maxLength: MAX_INPUT_BYTES,
    },
  ],
  permission: 'everyone',
  // Discord: a modal when nothing is pasted, a .eml/.txt attachment, and a message action.
  textInput: {
    option: 'bounce',
    modalTitle: 'Diagnose a bounce',
    label: 'Paste the bounce message',
    messageAction: 'Diagnose bounce',
  },
  schema,
  async run(args, ctx) {
    const text = args.bounce ?? '';
    if (text.trim() === '') {
      return errorReply('Bounce diagnosis', 'Paste the bounce after /diagnose: the whole message, or just the error line (e.g. "550 5.7.1 …").');
    }
    // The services' diagnoser names lists from the checker's catalogue (with the user's zone file).
    const diagnoser = ctx.services.diagnoser ?? createDiagnoser({ catalogue: ctx.services.checker.catalogue, checker: ctx.services.checker });
    const result = await diagnoser.diagnose(text);
    if (result.error) return diagnosisReply(result);
    const first = result.diagnoses.find((d) => d.senderIp);
    if (first?.senderIp) {
      await ctx.progress({
        visibility: 'channel',
        title: 'Bounce diagnosis',
        level: 'info',
        blocks: [{ kind: 'verdict', level: 'info', text: [`Re-checking ${first.senderIp} on the blocklists…`] }],
      });
    }
    const live = await diagnoser.withLiveCheck(result, { live: true });
    return diagnosisReply(live);
  },
});
