/**
 * The relay probe for one server address: greeting, EHLO (HELO fallback), STARTTLS
 * when offered, then each relay trick as MAIL FROM / RCPT TO followed by RSET, and
 * QUIT. It never sends DATA, so even an open relay delivers nothing.
 *
 * Bounded on every side: a connect timeout, a per-command timeout, a time budget per
 * host, and at most `maxConnections` connections (servers often hang up after a few
 * refused recipients; we reconnect and carry on where we stopped).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { getDomain } from 'tldts';
import { guessSoftware } from './closing-advice.js';
import { addressLiteral, buildAttempts, type AttemptPlan } from './attempts.js';
import type { RelayDns } from './dns.js';
import { isPositive, isTemporary, type SmtpReply } from './smtp-reply.js';
import { ConnectError, SessionError, SmtpSession, formatAddress, type TranscriptEntry } from './smtp-session.js';
import type { PlannedHost } from './relay-target.js';
import type { AttemptOutcome, AttemptReport, HostReport, MtaKind, TlsReport } from './types.js';

export interface ProbeOptions {
  readonly dns: RelayDns;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Wall-clock budget for one host, all connections together. */
  readonly hostBudgetMs: number;
  readonly maxConnections: number;
  /** Name we announce in EHLO; default: this machine's FQDN, else our address literal. */
  readonly heloName?: string;
  /** Domain outside the tested server used for recipients and senders. */
  readonly externalDomain: string;
}

/** TEST-NET-1 (RFC 5737): a foreign address literal nobody can own. */
const EXTERNAL_IP = '[192.0.2.1]';
const LOCAL_PART = 'relaytest';
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/** Postfix's default defer_unauth_destination answers 454 "Relay access denied": a refusal, not a hiccup. */
const RELAY_REFUSAL =
  /relay(ing)? (access )?(is )?(denied|not (permitted|allowed)|prohibited|disallowed)|(unable|not (permitted|allowed)|not authori[sz]ed) to relay|we do not relay|no relaying|relay not permitted|relaying (is )?(denied|prohibited)/i;
const GREYLIST = /gr[ae]y.?list|try again later|please retry|come back later/i;

interface Outcome {
  outcome: AttemptOutcome;
  reply: string;
}

export async function probeHost(planned: PlannedHost, ownHint: string | undefined, options: ProbeOptions): Promise<HostReport> {
  const deadline = Date.now() + options.hostBudgetMs;
  const transcript: TranscriptEntry[] = [];
  const base = { host: planned.host, ip: planned.ip, port: planned.port, preference: planned.preference };
  const fmt = (): string[] => transcript.map((e) => (e.dir === '*' ? `* ${e.text}` : `${e.dir}: ${e.text}`));

  let tls: TlsReport | null = null;
  let tryTls = true;
  let banner: string | undefined;
  let software: MtaKind | undefined;
  let own: { domain: string; source: NonNullable<HostReport['ownDomainSource']> } | undefined;
  let plans: AttemptPlan[] | undefined;
  const results: (AttemptReport | undefined)[] = [];
  let next = 0;
  let connections = 0;
  let stop: { failure: NonNullable<HostReport['failure']>; reason: string } | undefined;
  let external: string | undefined;
  /** The catch-all control ran (or was attempted). */
  let controlled = false;

  while (connections < options.maxConnections && (plans === undefined || next < plans.length)) {
    if (Date.now() > deadline) {
      stop = { failure: 'timeout', reason: `stopped after ${options.hostBudgetMs} ms, the time allowed per server` };
      break;
    }
    connections++;
    let session: SmtpSession;
    try {
      session = await SmtpSession.connect({
        ip: planned.ip,
        port: planned.port,
        connectTimeoutMs: options.connectTimeoutMs,
        commandTimeoutMs: options.commandTimeoutMs,
        transcript,
      });
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      transcript.push({ dir: '*', text: err.message });
      stop = connectStop(err, planned.port, connections > 1);
      break;
    }
    const progressBefore = next;
    try {
      // --- greeting and EHLO ---
      const greeting = await session.readReply();
      if (banner === undefined) banner = `${greeting.code} ${greeting.lines[0] ?? ''}`.trim();
      if (greeting.code !== 220) {
        stop = { failure: 'greeting', reason: `the server refused the session at the greeting: ${replyText(greeting)}` };
        await session.quit(quitWait(options));
        break;
      }
      const helo = options.heloName ?? defaultHelo(session.localAddress);
      let hello = await session.command(`EHLO ${helo}`);
      let extended = true;
      if (!isPositive(hello)) {
        extended = false;
        hello = await session.command(`HELO ${helo}`);
        if (!isPositive(hello)) {
          stop = { failure: 'greeting', reason: `the server refused both EHLO and HELO: ${replyText(hello)}` };
          await session.quit(quitWait(options));
          break;
        }
      }
      if (software === undefined) software = guessSoftware(`${greeting.lines.join(' ')} ${hello.lines.join(' ')}`);

      // --- STARTTLS ---
      const offersTls = extended && hello.lines.slice(1).some((l) => /^STARTTLS\b/i.test(l.trim()));
      if (offersTls && tryTls) {
        tryTls = false;
        const answer = await session.sendStartTls();
        if (answer.code === 220) {
          try {
            tls = await session.startTls(planned.host !== planned.ip ? planned.host : undefined);
          } catch (err) {
            if (!(err instanceof SessionError)) throw err;
            tls = { offered: true, ok: false, error: err.message };
            session.close();
            continue; // reconnect and test without TLS
          }
          hello = await session.command(`EHLO ${helo}`);
          if (!isPositive(hello)) {
            stop = { failure: 'protocol', reason: `the server refused EHLO after STARTTLS: ${replyText(hello)}` };
            await session.quit(quitWait(options));
            break;
          }
        } else {
          tls = { offered: true, ok: false, error: `STARTTLS refused: ${replyText(answer)}` };
        }
      } else if (offersTls && tls === null) {
        tls = { offered: true, ok: false, error: 'not retried after the failed handshake' };
      }

      // --- whose domain is this? ---
      if (!own) own = await ownDomainOf(ownHint, greeting, hello, planned.ip, options.dns);
      if (!plans) {
        external = externalFor(own.domain, options.externalDomain);
        plans = buildAttempts({ own: own.domain, ipLiteral: addressLiteral(planned.ip), external, externalIp: EXTERNAL_IP, localPart: LOCAL_PART });
      }

      // --- the relay attempts ---
      while (next < plans.length) {
        if (Date.now() > deadline) break;
        const plan = plans[next]!;
        const result = await tryOne(session, plan);
        results[next] = result.report;
        next++;
        if (result.closing) break;
        const reset = await session.command('RSET');
        if (reset.code === 421) break;
      }
      if (next >= plans.length && !controlled) {
        controlled = true;
        await controlCheck(session, plans, results, own.domain, external!);
      }
      await session.quit(quitWait(options));
    } catch (err) {
      if (!(err instanceof SessionError)) throw err;
      session.close();
      if (err.kind === 'timeout') {
        stop = { failure: 'timeout', reason: `the server stopped answering (${err.message})` };
        break;
      }
      if (err.kind === 'protocol') {
        stop = { failure: 'protocol', reason: `the server does not speak SMTP properly: ${err.message}` };
        break;
      }
      // Dropped: worth another connection only if this one got somewhere.
      if (next === progressBefore) {
        stop = {
          failure: 'dropped',
          reason: plans
            ? `the server closed the connection at attempt ${next + 1} of ${plans.length}`
            : banner === undefined
              ? 'the server closed the connection without greeting us'
              : 'the server closed the connection before the relay attempts',
        };
        break;
      }
    }
  }
  if (!stop && plans && next < plans.length) {
    stop =
      Date.now() > deadline
        ? { failure: 'timeout', reason: `stopped after ${options.hostBudgetMs} ms, the time allowed per server` }
        : {
            failure: 'dropped',
            reason: `the server kept closing the connection; ${next} of ${plans.length} attempts done in ${connections} connections`,
          };
  }

  // Own-domain tricks accepted but never checked against a catch-all: do not claim "open".
  if (!controlled && plans) {
    plans.forEach((p, i) => {
      const r = results[i];
      if (p.viaOwnDomain && r?.accepted) results[i] = { ...r, ambiguous: true };
    });
  }

  const attempts: AttemptReport[] = (plans ?? []).map(
    (p, i) =>
      results[i] ?? {
        name: p.name,
        label: p.label,
        from: p.from,
        to: p.rcpt,
        reply: stop ? `not tried: ${stop.reason}` : 'not tried',
        accepted: false,
        outcome: 'untested' as const,
      },
  );
  const { verdict, reason } = judge(attempts, stop, own?.domain);
  return {
    ...base,
    verdict,
    reason,
    tls,
    attempts,
    banner,
    ownDomain: own?.domain,
    ownDomainSource: own?.source,
    software,
    failure: stop?.failure,
    transcript: fmt(),
  };
}

async function tryOne(session: SmtpSession, plan: AttemptPlan): Promise<{ report: AttemptReport; closing: boolean }> {
  const base = { name: plan.name, label: plan.label, from: plan.from, to: plan.rcpt };
  const mail = await session.command(`MAIL FROM:<${plan.from}>`);
  if (!isPositive(mail)) {
    const o = classify(mail, false);
    return { report: { ...base, reply: `MAIL FROM: ${o.reply}`, accepted: false, outcome: o.outcome }, closing: mail.code === 421 };
  }
  const rcpt = await session.command(`RCPT TO:${plan.rcpt}`);
  const o = classify(rcpt, true);
  return { report: { ...base, reply: o.reply, accepted: o.outcome === 'accepted', outcome: o.outcome }, closing: rcpt.code === 421 };
}

/**
 * A server that takes `user%external@own` may simply have a catch-all mailbox. Ask for
 * a made-up user at its own domain: if that is accepted too, those acceptances prove
 * nothing and are marked ambiguous.
 */
async function controlCheck(
  session: SmtpSession,
  plans: AttemptPlan[],
  results: (AttemptReport | undefined)[],
  own: string,
  external: string,
): Promise<void> {
  const suspects = plans.map((p, i) => (p.viaOwnDomain && results[i]?.accepted ? i : -1)).filter((i) => i >= 0);
  if (suspects.length === 0) return;
  // Until the server clearly refuses the made-up user, assume it might be a catch-all.
  let catchAll = true;
  try {
    session.note('control: does the server accept any made-up user at its own domain?');
    const mail = await session.command(`MAIL FROM:<sender@${external}>`);
    if (isPositive(mail)) {
      const rcpt = await session.command(`RCPT TO:<nosuchuser-${randomBytes(4).toString('hex')}@${own}>`);
      catchAll = isPositive(rcpt) || isTemporary(rcpt);
      await session.command('RSET');
    }
  } finally {
    if (catchAll) for (const i of suspects) results[i] = { ...results[i]!, ambiguous: true };
  }
}

function classify(reply: SmtpReply, isRcpt: boolean): Outcome {
  const text = replyText(reply);
  if (isRcpt && reply.code >= 200 && reply.code < 300) return { outcome: 'accepted', reply: text };
  if (reply.code >= 500) return { outcome: 'rejected', reply: text };
  if (reply.code >= 400 && RELAY_REFUSAL.test(reply.lines.join(' '))) return { outcome: 'rejected', reply: text };
  if (reply.code >= 400) return { outcome: 'temporary', reply: text };
  // 3xx to MAIL/RCPT is a protocol oddity; it did not accept a recipient.
  return { outcome: 'temporary', reply: text };
}

function judge(
  attempts: AttemptReport[],
  stop: { failure: NonNullable<HostReport['failure']>; reason: string } | undefined,
  own: string | undefined,
): { verdict: HostReport['verdict']; reason: string } {
  const open = attempts.filter((a) => a.accepted && !a.ambiguous);
  if (open.length > 0) {
    const labels = open
      .slice(0, 3)
      .map((a) => a.label)
      .join('; ');
    const more = open.length > 3 ? ` and ${open.length - 3} more` : '';
    return {
      verdict: 'open',
      reason: `accepted a recipient outside its domains with ${open.length} of ${attempts.length} relay attempts: ${labels}${more}`,
    };
  }
  const ambiguous = attempts.filter((a) => a.accepted);
  if (ambiguous.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `accepted ${ambiguous[0]!.to}, but it also accepts made-up users at ${own ?? 'its own domain'} (a catch-all), so this may be local delivery rather than relaying; check where such mail would go`,
    };
  }
  if (attempts.length === 0) return { verdict: 'inconclusive', reason: stop?.reason ?? 'no relay attempt could be made' };
  const temporary = attempts.filter((a) => a.outcome === 'temporary');
  const untested = attempts.filter((a) => a.outcome === 'untested');
  if (temporary.length === 0 && untested.length === 0) {
    return { verdict: 'closed', reason: `refused all ${attempts.length} relay attempts` };
  }
  if (temporary.length > 0) {
    const grey = temporary.some((a) => GREYLIST.test(a.reply));
    const what = grey ? 'greylisted us (asked to retry later)' : 'answered with temporary errors';
    return {
      verdict: 'inconclusive',
      reason: `the server ${what} for ${temporary.length} of ${attempts.length} attempts, e.g. ${temporary[0]!.reply}; run the test again in a few minutes`,
    };
  }
  return {
    verdict: 'inconclusive',
    reason: `${untested.length} of ${attempts.length} attempts could not be made: ${stop?.reason ?? 'unknown reason'}`,
  };
}

export function connectStop(err: ConnectError, port: number, reconnecting: boolean): { failure: NonNullable<HostReport['failure']>; reason: string } {
  const prefix = reconnecting ? 'reconnecting failed: ' : '';
  switch (err.kind) {
    case 'timeout':
      return {
        failure: 'connect-timeout',
        reason:
          port === 25
            ? `${prefix}connecting to port 25 timed out: a firewall drops it, or the network this bot runs on blocks outgoing port 25 (most cloud and home providers do); test from a host that may send mail`
            : `${prefix}connecting to port ${port} timed out (${err.message}); a firewall may drop it`,
      };
    case 'refused':
      return { failure: 'refused', reason: `${prefix}${err.message}` };
    case 'reset':
      return { failure: 'reset', reason: `${prefix}${err.message}` };
    case 'unreachable':
      return { failure: 'unreachable', reason: `${prefix}${err.message}` };
    default:
      return { failure: 'unreachable', reason: `${prefix}${err.message}` };
  }
}

async function ownDomainOf(
  hint: string | undefined,
  greeting: SmtpReply,
  hello: SmtpReply,
  ip: string,
  dns: RelayDns,
): Promise<{ domain: string; source: NonNullable<HostReport['ownDomainSource']> }> {
  if (hint) return { domain: hint, source: 'target' };
  for (const reply of [greeting, hello]) {
    const word = (reply.lines[0] ?? '').trim().split(/\s+/)[0] ?? '';
    const name = word.replace(/\.$/, '').toLowerCase();
    if (HOSTNAME.test(name) && net.isIP(name) === 0) return { domain: getDomain(name) ?? name, source: 'greeting' };
  }
  try {
    const names = await dns.reverse(ip);
    const name = (names[0] ?? '').replace(/\.$/, '').toLowerCase();
    if (HOSTNAME.test(name)) return { domain: getDomain(name) ?? name, source: 'ptr' };
  } catch {
    // No PTR answer: fall back to the address literal.
  }
  return { domain: addressLiteral(ip), source: 'ip' };
}

/** The outside domain for the test addresses; never the tested server's own. */
export function externalFor(own: string, configured: string): string {
  const related = (d: string): boolean => own === d || own.endsWith(`.${d}`) || d.endsWith(`.${own}`);
  if (!related(configured)) return configured;
  return ['example.com', 'example.net', 'example.org'].find((d) => !related(d))!;
}

function defaultHelo(localAddress: string | undefined): string {
  const name = os.hostname();
  if (HOSTNAME.test(name)) return name;
  return localAddress ? addressLiteral(localAddress.replace(/^::ffff:/, '')) : '[127.0.0.1]';
}

function quitWait(options: ProbeOptions): number {
  return Math.min(options.commandTimeoutMs, 2000);
}

/** One reply on one line, bounded, for reports. */
export function replyText(reply: SmtpReply): string {
  const text = `${reply.code} ${reply.lines.join(' ')}`.trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export { formatAddress };
