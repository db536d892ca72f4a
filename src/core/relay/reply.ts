/**
 * A relay report as a platform-neutral Reply (chat) and as plain text (CLI, and the
 * Reply's fullText). Server replies and banners are untrusted text: they go into the
 * Reply as plain strings and code blocks, which the renderers escape.
 */
import { errorReply, type Block, type Inline, type Level, type ListItem, type Reply } from '../../reply/reply.js';
import { count } from '../../reply/words.js';
import { GENERAL_ADVICE, relayAdvice } from './closing-advice.js';
import { shortenTranscript } from './transcript.js';
import type { HostReport, RelayReport, TlsReport, Verdict } from './types.js';
import type { RateDecision } from '../user-limit.js';

const LEVEL: Record<Verdict, Level> = { open: 'bad', closed: 'ok', inconclusive: 'warn' };
const WORD: Record<Verdict, string> = { open: 'OPEN RELAY', closed: 'closed', inconclusive: 'inconclusive' };

export function summaryLine(report: RelayReport): string {
  const n = report.hosts.length;
  const servers = n === 1 ? 'its server' : `its ${n} servers`;
  const open = report.hosts.filter((h) => h.verdict === 'open');
  switch (report.verdict) {
    case 'open':
      return n === 1
        ? `${report.target} is an OPEN RELAY: it accepted mail for a domain that is not its own.`
        : `${report.target} has an OPEN RELAY: ${open.length} of ${n} servers accepted mail for domains that are not their own.`;
    case 'closed':
      return `${report.target} is not an open relay: ${servers} refused every relay attempt.`;
    default:
      return n === 1
        ? `Could not tell whether ${report.target} is an open relay: ${report.hosts[0]?.reason ?? 'no server could be tested'}.`
        : `Could not tell for every server of ${report.target}; none relayed, but ${report.hosts.filter((h) => h.verdict === 'inconclusive').length} of ${n} could not be fully tested.`;
  }
}

export function hostTitle(h: HostReport): string {
  const where = h.ip ? (h.ip.includes(':') ? `[${h.ip}]:${h.port}` : `${h.ip}:${h.port}`) : `port ${h.port}`;
  const name = h.host !== h.ip ? `${h.host} ${where}` : where;
  return h.preference !== undefined ? `${name} (MX ${h.preference})` : name;
}

export function tlsLine(tls: TlsReport | null): string {
  if (!tls) return 'STARTTLS: not offered';
  if (!tls.ok) return `STARTTLS: offered but failed (${tls.error ?? 'unknown error'})`;
  const name = tls.subject ? `certificate for ${tls.subject}` : 'certificate without a name';
  const extra: string[] = [];
  if (tls.altNames && tls.altNames.length > 0 && !(tls.altNames.length === 1 && tls.altNames[0] === tls.subject)) {
    extra.push(
      `also ${tls.altNames
        .filter((n) => n !== tls.subject)
        .slice(0, 4)
        .join(', ')}`,
    );
  }
  if (tls.selfSigned) extra.push('self-signed');
  else if (tls.trusted === false) extra.push(`not trusted: ${tls.trustError ?? 'unknown reason'}`);
  if (tls.nameMatches === false) extra.push('does not match the host name');
  return `STARTTLS: works (${[tls.protocol, name, ...extra].filter(Boolean).join('; ')})`;
}

function hostLines(h: HostReport): string[] {
  const lines = [h.reason.charAt(0).toUpperCase() + h.reason.slice(1)];
  if (h.banner) lines.push(`Greeting: ${h.banner}`);
  if (h.failure !== 'not-tested' && h.attempts.length + (h.banner ? 1 : 0) > 0) lines.push(tlsLine(h.tls));
  // Clear acceptances first; three examples say enough, the rest are in the transcript and JSON.
  const accepted = [...h.attempts.filter((x) => x.accepted && !x.ambiguous), ...h.attempts.filter((x) => x.accepted && x.ambiguous)];
  for (const a of accepted.slice(0, 3)) {
    lines.push(`Accepted${a.ambiguous ? ' (maybe a catch-all)' : ''}: ${a.label}: MAIL FROM:<${a.from}> RCPT TO:${a.to} → ${a.reply}`);
  }
  if (accepted.length > 3) lines.push(`…and ${accepted.length - 3} more accepted attempts.`);
  const counts = countOutcomes(h);
  if (h.attempts.length > 0) lines.push(`Attempts: ${counts}`);
  return lines;
}

/** One relay attempt: a mark (! accepted, ? maybe a catch-all, - rejected, ~ temporary), the trick and the reply. */
function attemptLine(a: HostReport['attempts'][number]): string {
  const mark = a.accepted ? (a.ambiguous ? '?' : '!') : a.outcome === 'rejected' ? '-' : '~';
  return `${mark} ${a.name.padEnd(16)} MAIL FROM:<${a.from}> RCPT TO:${a.to} → ${a.reply}`;
}

function countOutcomes(h: HostReport): string {
  const c = { accepted: 0, rejected: 0, temporary: 0, untested: 0 };
  for (const a of h.attempts) c[a.outcome]++;
  return (Object.entries(c) as [string, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/**
 * The relay answer. `transcript` adds the shortened SMTP conversation; `attempts` lists
 * every relay attempt with the server's reply (the CLI shows them; chat keeps a count).
 */
export function relayReply(report: RelayReport, options: { transcript?: boolean; attempts?: boolean } = {}): Reply {
  const blocks: Block[] = [{ kind: 'verdict', level: LEVEL[report.verdict], text: [summaryLine(report)] }];
  const items: ListItem[] = report.hosts.map((h) => ({
    level: LEVEL[h.verdict],
    title: [{ bold: hostTitle(h) }, ` — ${WORD[h.verdict]}`],
    lines: [...hostLines(h), ...(options.attempts ? h.attempts.map(attemptLine) : [])].map((l): Inline[] => [l]),
  }));
  blocks.push({ kind: 'list', heading: report.hosts.length === 1 ? 'Server' : 'Servers', items });

  if (report.verdict === 'open') {
    const software = report.hosts.find((h) => h.verdict === 'open')?.software;
    const advice = relayAdvice(software);
    blocks.push(
      advice.length === 1
        ? { kind: 'list', heading: `How to close it (${advice[0]!.software})`, items: advice[0]!.lines.map((l) => ({ title: [l] })) }
        : {
            kind: 'list',
            heading: 'How to close it',
            items: advice.map((a) => ({ title: [{ bold: a.software }], lines: a.lines.map((l): Inline[] => [l]) })),
          },
    );
    blocks.push({ kind: 'text', text: [GENERAL_ADVICE] });
  }
  for (const note of report.notes) blocks.push({ kind: 'context', text: [note] });

  if (options.transcript) {
    for (const h of report.hosts.filter((x) => x.transcript.length > 0)) {
      blocks.push({ kind: 'context', text: [`Transcript, ${hostTitle(h)}:`] });
      blocks.push({ kind: 'code', text: shortenTranscript(h.transcript).join('\n') });
    }
  }
  blocks.push({
    kind: 'context',
    text: [
      `No message was sent: the test stops before DATA. ${(report.ms / 1000).toFixed(1)} s.${options.transcript ? '' : ' Add transcript:true to see the SMTP conversation.'}`,
    ],
  });
  return {
    visibility: 'channel',
    title: `Open-relay test: ${report.target}`,
    level: LEVEL[report.verdict],
    blocks,
    fullText: formatRelayText(report, { transcript: true }),
  };
}

/** The whole report as plain text (CLI output; fullText for chat attachments). */
export function formatRelayText(report: RelayReport, options: { transcript?: boolean; shorten?: boolean } = {}): string {
  const out: string[] = [`Open-relay test: ${report.target}`, summaryLine(report), ''];
  for (const h of report.hosts) {
    out.push(`${hostTitle(h)}: ${WORD[h.verdict]}`);
    for (const l of hostLines(h)) out.push(`  ${l}`);
    for (const a of h.attempts) out.push(`    ${attemptLine(a)}`);
    if (options.transcript && h.transcript.length > 0) {
      out.push('  Transcript:');
      const lines = options.shorten ? shortenTranscript(h.transcript) : h.transcript;
      for (const l of lines) out.push(`    ${l}`);
    }
    out.push('');
  }
  if (report.verdict === 'open') {
    const software = report.hosts.find((h) => h.verdict === 'open')?.software;
    out.push('How to close it:');
    for (const a of relayAdvice(software)) {
      out.push(`  ${a.software}:`);
      for (const l of a.lines) out.push(`    - ${l}`);
    }
    out.push(`  ${GENERAL_ADVICE}`, '');
  }
  for (const n of report.notes) out.push(`Note: ${n}`);
  out.push(`No message was sent: the test stops before DATA. Took ${(report.ms / 1000).toFixed(1)} s.`);
  return out.join('\n');
}

/** Shown while a relay test runs (slow servers take a minute or two). */
export function relayProgressReply(target: string): Reply {
  return {
    visibility: 'channel',
    title: `Open-relay test: ${target}`,
    level: 'info',
    blocks: [{ kind: 'context', text: [`Testing ${target} for open relaying… (up to a minute or two for slow servers)`] }],
  };
}

/** A user over their allowance of relay tests. */
export function relayLimitReply(decision: RateDecision): Reply {
  const minutes = Math.round(decision.windowMs / 60_000);
  const wait = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
  return errorReply(
    'Relay test: slow down',
    `You can run ${decision.limit} relay tests per ${minutes} minutes; try again in about ${count(wait, 'minute')}.`,
    'Each test connects to a real mail server, so the bot keeps them few. `rblbot relay` on the command line has no limit.',
  );
}
