/**
 * What to do next, most important first, and a one-line summary. Pure: everything it
 * needs is in the diagnosis (and the live re-check, when one ran).
 */
import { getDomain } from 'tldts';
import { fillUrl, zoneView } from './catalogue-view.js';
import type { ProviderMatch } from './providers.js';
import type { Advice, AdviceLink, LiveStatus, NamedList, Reason } from './types.js';
import { slash } from '../../reply/command-names.js';

export interface AdviceInput {
  readonly reason: Reason;
  readonly permanent: boolean | null;
  readonly recipient: string | null;
  readonly remoteHost: string | null;
  readonly senderIp: string | null;
  readonly lists: readonly NamedList[];
  readonly providers: readonly ProviderMatch[];
  /** Lower-cased server text. */
  readonly text: string;
  readonly live: LiveStatus | null;
  readonly greylisted: boolean;
}

const NOT_BLOCKLIST: ReadonlySet<Reason> = new Set<Reason>([
  'userunknown',
  'mailboxfull',
  'mesgtoobig',
  'exceedlimit',
  'hostunknown',
  'suspend',
  'hasmoved',
  'notaccept',
  'authfailure',
  'norelaying',
  'systemerror',
  'systemfull',
  'syntaxerror',
  'contenterror',
  'notcompliantrfc',
  'failedstarttls',
  'mailererror',
  'filtered',
  'virusdetected',
  'delivered',
  'vacation',
  'feedback',
  'suppressed',
]);

export const MISCONFIGURED_RECEIVER =
  /open (?:dns )?resolver|public (?:dns )?resolver|spamhaus\.org\/returnc|\/returnc\/|127\.255\.255\.25[2-5]|query (?:was )?refused|excessive number of queries|blocked by the rbl provider/;

const RELAY_SIGNS = /open relay|open proxy|compromised|exploited|botnet|infected|malware-infected|hijacked|\bxbl\b|\bcbl\b|abuseat/;

/** The receiving domain to write to: the recipient's domain, else the rejecting host's. */
export function receivingDomain(recipient: string | null, remoteHost: string | null): string | null {
  const at = recipient?.lastIndexOf('@') ?? -1;
  if (recipient && at > 0) return recipient.slice(at + 1).toLowerCase();
  if (remoteHost) return getDomain(remoteHost) ?? null;
  return null;
}

function postmasterAdvice(domain: string | null, ip: string | null, provider: string | null): Advice {
  const who = domain ? `postmaster@${domain}` : 'the postmaster of the receiving domain';
  return {
    kind: 'postmaster',
    text: `Write to ${who}${provider ? ` (${provider})` : ''} from an address outside your own blocked domain (e.g. a webmail account), quote the full error line${ip ? ` and your sending IP ${ip}` : ''}, and ask them to lift the block or say why it is there.`,
    links: domain ? [{ label: `postmaster@${domain}`, url: `mailto:postmaster@${domain}` }] : [],
  };
}

/** What each public list needs before it delists, in one sentence. */
function listRequirement(zone: string, liveMeaning: string | null): string {
  const z = zone.toLowerCase();
  const m = (liveMeaning ?? '').toLowerCase();
  if (z.startsWith('xbl.') || z.startsWith('cbl.') || m.includes('xbl') || m.includes('exploit')) {
    return 'XBL/CBL lists infected or exploited hosts: find the infected machine, open proxy or abused account behind this IP first, or it comes back within hours.';
  }
  if (z.startsWith('pbl.') || m.includes('pbl')) {
    return 'PBL is a policy list of end-user address space: send through your ISP\u2019s smarthost, or, for a static mail-server IP with proper rDNS, remove it yourself at Spamhaus (or ask the ISP for ISP-maintained entries).';
  }
  if (z.includes('spamhaus'))
    return 'Spamhaus: open the lookup, read the listing reason, fix the cause and use the self-service removal (SBL listings need the listing ISP\u2019s ticket).';
  if (z.includes('spamcop'))
    return 'SpamCop listings expire on their own about a day after spam reports stop: find what sent the reported mail (backscatter, a hacked account, a form).';
  if (z.startsWith('dnsbl-2.') || z.startsWith('dnsbl-3.'))
    return 'UCEPROTECT level 2/3 list whole ranges or networks: only your hosting provider can clear it, or ask the receiver not to use level 2/3.';
  if (z.includes('uceprotect'))
    return 'UCEPROTECT level 1 expires about 7 days after the last spam trap hit; stop the source and wait (paid express delisting is optional).';
  if (z.includes('barracuda')) return 'Barracuda: fix the cause, then file the removal request form (usually handled within a day).';
  if (z.includes('backscatterer'))
    return 'Backscatterer lists servers that send bounces to forged senders: reject at SMTP time instead of bouncing later; entries expire after 4 weeks.';
  if (z.includes('spamrats')) return 'SpamRATS Dyna/NoPtr listings need a proper PTR (forward-confirmed) before removal.';
  return 'Fix the cause named on the list\u2019s lookup page, then request removal.';
}

export function buildAdvice(input: AdviceInput): Advice[] {
  const out: Advice[] = [];
  const ip = input.senderIp;
  const domain = receivingDomain(input.recipient, input.remoteHost);
  const provider = input.providers[0]?.rule ?? null;
  const live = input.live;
  const publicLists = input.lists.filter((l) => !l.defunct);
  const deadLists = input.lists.filter((l) => l.defunct);
  const misconfigured = MISCONFIGURED_RECEIVER.test(input.text);

  if (input.reason === 'vacation') {
    return [
      {
        kind: 'none',
        text: 'This is an automatic reply (out of office or similar), not a delivery failure: your message was accepted. Nothing to fix.',
        links: [],
      },
    ];
  }
  if (input.reason === 'delivered') {
    return [{ kind: 'none', text: 'This is a delivery notice: the message was delivered (or relayed onwards). Nothing to fix.', links: [] }];
  }
  if (input.reason === 'feedback') {
    return [
      {
        kind: 'feedback',
        text: 'This is an abuse/feedback report (ARF): a recipient marked your message as spam. It is not a bounce. Remove that recipient from your lists, check how they subscribed, and keep complaint rates low (under 0.1%) or blocks follow.',
        links: [],
      },
    ];
  }

  // 1. Receiver misconfigured: dead list or Spamhaus refusal codes.
  if (misconfigured) {
    out.push({
      kind: 'receiver-misconfigured',
      text: `The refusal text points at the receiver's own DNS setup (it queries the list through a public or open resolver and treats the list's error answer as a listing). Your IP${ip ? ` ${ip}` : ''} is probably not listed: the receiving side must fix its resolver; tell its postmaster.`,
      links: [
        {
          label: 'Spamhaus: using a public resolver',
          url: 'https://www.spamhaus.org/resource-hub/email-security/if-you-query-the-legacy-dnsbls-via-public-dns/',
        },
      ],
    });
  }
  for (const dead of deadLists) {
    const view = zoneView(dead.zone);
    out.push({
      kind: 'receiver-misconfigured',
      text: `${dead.name} is shut down${view?.defunctSince ? ` (since ${view.defunctSince})` : ''}; nobody is listed on it any more. The receiver still uses it in its configuration, so your IP is probably not listed anywhere that matters: the receiving side must remove it.`,
      links: [],
    });
  }
  if ((misconfigured || deadLists.length) && publicLists.length === 0) out.push(postmasterAdvice(domain, ip, null));

  // 2. Public lists: re-check and delist.
  for (const list of publicLists) {
    const target = list.target ?? ip;
    const view = zoneView(list.zone);
    const lookup = fillUrl(view?.lookupUrl, target);
    const named = live?.named.find((n) => n.zone === list.zone);
    const liveHit = live?.listedOn.find((l) => l.zone === list.zone);
    if (named?.status === 'listed') {
      const removal = fillUrl(named.removalUrl ?? view?.removalUrl, target) ?? lookup;
      out.push({
        kind: 'delist',
        text: `${target ?? 'The IP'} is still listed on ${list.name} right now. ${listRequirement(list.zone, liveHit?.meaning ?? null)}`,
        links: removal ? [{ label: `${list.name}: removal`, url: removal }] : [],
      });
    } else if (named?.status === 'clean') {
      out.push({
        kind: 'cleared',
        text: `${target ?? 'The IP'} is not listed on ${list.name} any more. The receiver may still hold the old answer in its cache for a few hours: retry later.${list.zone.includes('spamhaus') ? ' If it keeps failing, the receiver may be querying Spamhaus through a public resolver: tell its postmaster.' : ''}`,
        links: lookup ? [{ label: `${list.name}: lookup`, url: lookup }] : [],
      });
    } else if (named) {
      out.push({
        kind: 'recheck',
        text: `The live check of ${list.name} did not answer (${named.status}); look the IP up yourself.`,
        links: lookup ? [{ label: `${list.name}: lookup`, url: lookup }] : [],
      });
    } else {
      out.push({
        kind: 'recheck',
        text: `The bounce names ${list.name}. Check ${target ?? 'your sending IP'} on it now (${slash('rbl')} ${target ?? '<ip>'} or rblbot check ${target ?? '<ip>'}); if it is still listed: ${listRequirement(list.zone, null)}`,
        links: lookup ? [{ label: `${list.name}: lookup`, url: lookup }] : [],
      });
    }
  }
  if (live && live.state === 'checked') {
    const others = live.listedOn.filter((l) => !input.lists.some((n) => n.zone === l.zone));
    if (others.length) {
      out.push({
        kind: 'also-listed',
        text: `${live.target} is also listed on ${others.length} other list${others.length > 1 ? 's' : ''}: ${others.map((o) => o.name).join(', ')}. Other receivers may refuse it too.`,
        links: others
          .flatMap((o) => (o.removalUrl ? [{ label: `${o.name}: removal`, url: fillUrl(o.removalUrl, live.target) ?? o.removalUrl }] : []))
          .slice(0, 5),
      });
    }
  }

  // 3. Relay / compromise signs.
  const liveExploit = live?.listedOn.some((l) => RELAY_SIGNS.test((l.meaning ?? '').toLowerCase()) || /^(?:xbl|cbl)\.|exploit/.test(l.zone)) ?? false;
  if (
    input.providers.some((p) => p.rule.relay) ||
    RELAY_SIGNS.test(input.text) ||
    liveExploit ||
    input.lists.some((l) => /^(?:xbl|cbl)\./.test(l.zone))
  ) {
    out.push({
      kind: 'relay-test',
      text: `This points at an open relay, an open proxy or a compromised machine or account sending through your server. Test the server with ${slash('relay')} (rblbot relay <host>), check for infected hosts and leaked SMTP passwords, and only then ask for delisting.`,
      links: [],
    });
  }

  // 4. Reason-specific advice.
  const links = (provider?.links ?? []) as readonly AdviceLink[];
  switch (input.reason) {
    case 'blocked':
    case 'badreputation':
    case 'speeding': {
      if (publicLists.length === 0 && deadLists.length === 0 && !misconfigured) {
        const kinds = new Set(input.providers.map((p) => p.rule.block));
        if (kinds.has('recipient')) {
          out.push({
            kind: 'recipient-block',
            text: `The recipient organisation blocks you with its own list or policy; its provider cannot lift it. Contact the recipient by another channel or write to its postmaster.`,
            links: [],
          });
          out.push(postmasterAdvice(domain, ip, null));
        } else if (input.reason === 'blocked' && (kinds.has('private') || kinds.size === 0 || kinds.has('public'))) {
          out.push({
            kind: 'private-block',
            text: `No public blocklist is named: this is ${provider ? `${provider.provider}\u2019s` : 'the receiver\u2019s'} own (private) block${ip ? ` of ${ip}` : ''}. ${provider ? provider.meaning : 'Public blocklist checks cannot show it.'}${links.length ? ' Use the provider\u2019s delisting form.' : ''}`,
            links,
          });
          if (links.length === 0) out.push(postmasterAdvice(domain, ip, null));
          if (ip)
            out.push({
              kind: 'recheck',
              text: `Check ${ip} on the public lists anyway (${slash('rbl')} ${ip}): receivers often build private blocks from them.`,
              links: [],
            });
        }
        if (input.reason === 'badreputation' || kinds.has('reputation')) {
          out.push({
            kind: 'reputation',
            text: `${provider ? `${provider.provider} rates` : 'The receiver rates'} the reputation of your IP or domain too low${input.permanent === false ? ' and defers for now' : ''}. Slow down, send only to people who asked for mail, remove unknown addresses and complainers, and register with the provider\u2019s postmaster tools and feedback loop.`,
            links,
          });
        }
        if (input.reason === 'speeding' && !kinds.has('reputation')) {
          out.push({
            kind: 'rate',
            text: 'You are sending too much or too fast to this receiver. Lower the rate and concurrency for this domain, spread the volume, and let your queue retry.',
            links,
          });
        }
      }
      break;
    }
    case 'requireptr':
      out.push({
        kind: 'fix-ptr',
        text: `Reverse DNS problem: give ${ip ?? 'your sending IP'} a PTR record naming your mail host (set by whoever owns the IP, usually your hosting provider), make that name resolve back to the same IP (forward-confirmed), and use it as your HELO name. Not a blocklist problem.`,
        links: [],
      });
      break;
    case 'authfailure':
      out.push({
        kind: 'fix-auth',
        text: 'Authentication failed: make sure your SPF record includes every server that sends for the domain (ending in -all or ~all), sign with DKIM for the From domain, and publish DMARC with the From domain aligned to SPF or DKIM. Not a blocklist problem.',
        links: links.length ? links : [{ label: 'Gmail sender guidelines', url: 'https://support.google.com/mail/answer/81126' }],
      });
      break;
    case 'userunknown':
      out.push({
        kind: 'fix-address',
        text: 'The recipient address does not exist there. Check the spelling, and remove it from your lists: repeated sends to unknown users hurt your reputation. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'mailboxfull':
      out.push({
        kind: 'wait',
        text: 'The recipient\u2019s mailbox is full. Nothing to fix on your side; the recipient must make room. Retry later or reach them another way. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'mesgtoobig':
    case 'exceedlimit':
      out.push({
        kind: 'fix-size',
        text: 'The message is larger than the receiver accepts. Send smaller attachments (base64 adds a third to their size) or share a link instead. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'hostunknown':
    case 'notaccept':
      out.push({
        kind: 'fix-address',
        text: 'The recipient domain does not exist or accepts no mail (no MX, null MX). Check the domain for typos. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'suspend':
    case 'hasmoved':
      out.push({
        kind: 'fix-address',
        text: 'The recipient account is disabled, suspended or moved. Stop sending to it and reach the person another way. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'norelaying':
      out.push({
        kind: 'fix-relay',
        text: `Relay denied: the server you talked to is not responsible for ${domain ?? 'that domain'} and will not pass the mail on. Check the domain\u2019s MX records; if you send through your provider, log in (SMTP AUTH on port 587) before sending. Not a blocklist problem.`,
        links: [],
      });
      break;
    case 'rejected':
      out.push({
        kind: 'fix-sender',
        text: `The receiver refused the envelope sender (MAIL FROM): make sure the sender domain exists, has MX or A records, and is not itself on a domain blocklist (check it with ${slash('rbl')} <domain>).`,
        links,
      });
      break;
    case 'spamdetected':
      out.push({
        kind: 'fix-content',
        text: `The content was judged as spam. Check the links and domains in the message (${slash('rbl')} <domain> checks the domain lists such as Spamhaus DBL), avoid URL shorteners and spammy wording, and authenticate with SPF, DKIM and DMARC.`,
        links,
      });
      break;
    case 'virusdetected':
      out.push({
        kind: 'fix-content',
        text: 'The receiver found malware in the message. Scan the sending machine and the attachment; do not resend it.',
        links: [],
      });
      break;
    case 'policyviolation':
      out.push({
        kind: 'policy',
        text: 'The receiver\u2019s policy refused the message (attachment type, content or a rule of the recipient organisation). Ask the recipient what their policy allows.',
        links,
      });
      break;
    case 'failedstarttls':
      out.push({
        kind: 'fix-tls',
        text: 'TLS failed or is required: make sure your server offers STARTTLS with a valid certificate and current protocol versions, and check the receiver\u2019s MTA-STS/DANE policy. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'toomanyconn':
      out.push({
        kind: 'rate',
        text: 'Too many connections or recipients at once: lower the concurrency and recipients per message for this receiver; your queue will retry.',
        links: [],
      });
      break;
    case 'expired':
    case 'networkerror':
      out.push({
        kind: 'network',
        text: `The receiving server could not be reached or kept failing until the message expired. Check the domain\u2019s MX and your outbound port 25; a server that silently drops your connections may also be blocking your IP, so check it with ${slash('rbl')}.`,
        links: [],
      });
      break;
    case 'systemerror':
    case 'systemfull':
      out.push({
        kind: 'wait',
        text: 'The receiving server had an internal problem. Nothing to fix on your side: retry later, and tell its postmaster if it persists. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'syntaxerror':
    case 'contenterror':
    case 'notcompliantrfc':
      out.push({
        kind: 'fix-format',
        text: 'The receiver rejected a command or the message format. Check your mail software\u2019s headers (one From, a Message-ID, valid MIME) and SMTP conversation. Not a blocklist problem.',
        links: [],
      });
      break;
    case 'securityerror':
      if (publicLists.length === 0) {
        out.push({
          kind: 'security',
          text: `A security policy refused the message (5.7.x) without naming a list. Read the server text: it may be a private block, authentication, or the recipient\u2019s rules. Check your IP with ${slash('rbl')} and your SPF/DKIM/DMARC.`,
          links,
        });
        out.push(postmasterAdvice(domain, ip, null));
      }
      break;
    case 'onhold':
      if (input.greylisted)
        out.push({
          kind: 'wait',
          text: 'Greylisting: the receiver defers unknown senders once on purpose. Your server retries on its own and the mail will go through. Not a blocklist problem.',
          links: [],
        });
      else
        out.push({
          kind: 'unclear',
          text: `The server text does not say clearly why. Read it below; if your IP may be the cause, check it with ${slash('rbl')}, otherwise ask the receiver\u2019s postmaster.`,
          links: [],
        });
      break;
    case 'undefined':
      out.push({
        kind: 'unclear',
        text: 'No delivery error was found. Paste the whole bounce (the part with the 5xx or 4xx reply, e.g. "550 5.7.1 …"), or attach the bounce as an .eml file.',
        links: [],
      });
      break;
    default:
      break;
  }
  if (input.permanent === false && !['onhold', 'mailboxfull', 'systemerror'].includes(input.reason)) {
    out.push({
      kind: 'temporary',
      text: 'This refusal is temporary (4xx): your server keeps retrying for a while, so fix the cause soon and the queued mail may still go out.',
      links: [],
    });
  }
  return dedupe(out);
}

function dedupe(items: Advice[]): Advice[] {
  const seen = new Set<string>();
  return items.filter((a) => (seen.has(a.text) ? false : (seen.add(a.text), true)));
}

export function isBlocklistProblem(reason: Reason, lists: readonly NamedList[], providers: readonly ProviderMatch[]): boolean {
  if (NOT_BLOCKLIST.has(reason)) return false;
  if (lists.length) return true;
  if (reason === 'blocked' || reason === 'badreputation') return true;
  return providers.some((p) => p.rule.block === 'private' || p.rule.block === 'public');
}

const REASON_TEXT: Readonly<Partial<Record<Reason, string>>> = {
  blocked: 'refused mail from the sending server (blocked)',
  badreputation: 'refused the mail because of the sending IP\u2019s or domain\u2019s reputation',
  requireptr: 'refused the sending IP because its reverse DNS (PTR) is missing or does not match',
  authfailure: 'refused the mail because SPF, DKIM or DMARC did not pass',
  policyviolation: 'refused the mail by its policy',
  spamdetected: 'judged the message as spam',
  norelaying: 'refused to relay the mail (relay access denied)',
  rejected: 'refused the envelope sender',
  securityerror: 'refused the mail for a security reason',
  failedstarttls: 'refused the mail over a TLS problem',
  userunknown: 'says the recipient address does not exist',
  mailboxfull: 'says the recipient\u2019s mailbox is full',
  hostunknown: 'could not find the recipient domain',
  toomanyconn: 'refused too many connections or recipients at once',
  speeding: 'is rate-limiting your mail',
  mesgtoobig: 'refused the message as too large',
  exceedlimit: 'refused the message over a size limit',
  expired: 'could not be reached before the message expired',
  networkerror: 'could not be reached (network or DNS problem)',
  systemerror: 'had an internal error',
  systemfull: 'is out of storage',
  suspend: 'says the recipient account is disabled',
  hasmoved: 'says the recipient has moved',
  filtered: 'filtered the message for this recipient',
  notaccept: 'accepts no mail for that domain',
  virusdetected: 'found a virus in the message',
  contenterror: 'refused the message format',
  notcompliantrfc: 'refused the message as not RFC 5322 compliant',
  syntaxerror: 'refused an SMTP command',
  onhold: 'refused the mail without a clear reason',
  mailererror: 'failed in local delivery',
};

export interface SummaryInput {
  readonly reason: Reason;
  readonly permanent: boolean | null;
  readonly recipient: string | null;
  readonly remoteHost: string | null;
  readonly remoteIp: string | null;
  readonly senderIp: string | null;
  readonly lists: readonly NamedList[];
  readonly provider: string | null;
  readonly greylisted: boolean;
  readonly blocklistProblem: boolean;
}

export function buildSummary(s: SummaryInput): string {
  if (s.reason === 'vacation') return `Automatic reply${s.recipient ? ` from ${s.recipient}` : ''}: not a delivery failure.`;
  if (s.reason === 'delivered') return `Delivered${s.recipient ? ` to ${s.recipient}` : ''}: not a failure.`;
  if (s.reason === 'feedback') return 'Abuse/feedback report (ARF): a recipient complained about your message. Not a bounce.';
  if (s.reason === 'undefined') return 'No delivery error found in this text.';
  const who = s.provider ?? s.remoteHost ?? s.remoteIp ?? 'The receiving server';
  const what = s.greylisted ? 'greylisted the mail (temporary, retried automatically)' : (REASON_TEXT[s.reason] ?? s.reason);
  let line = `${who} ${what}`;
  if (s.recipient) line += ` for ${s.recipient}`;
  const live = s.lists.filter((l) => !l.defunct);
  const dead = s.lists.filter((l) => l.defunct);
  if (live.length) line += `: ${s.senderIp ?? live[0]!.target ?? 'the sending IP'} is named on ${live.map((l) => l.name).join(', ')}`;
  else if (dead.length) line += `, citing ${dead.map((l) => l.name).join(', ')}, a list that no longer exists`;
  else if (s.senderIp && s.blocklistProblem) line += ` (sending IP ${s.senderIp})`;
  line += '.';
  if (s.permanent === false && !s.greylisted) line += ' Temporary: the sender will retry.';
  if (!s.blocklistProblem && !['onhold', 'securityerror'].includes(s.reason)) line += ' Not a blocklist problem.';
  return line;
}
