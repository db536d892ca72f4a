/**
 * What to do next, most serious first, and a one-line summary. Pure: everything it needs
 * is in the diagnosis (and the live re-check, when one ran).
 *
 * Removal routes are the ones that work for each receiver: Microsoft's delist portal and
 * sender form, Google's and Yahoo's sender forms (their postmaster@ is not read), a list's
 * own removal page with the IP filled in, and for a private block at a smaller receiver a
 * ready-to-send request to its postmaster (a mailto: link with subject and body filled in),
 * to be sent from an address outside the blocked domain.
 */
import { getDomain } from 'tldts';
import { fillUrl, type CatalogueView } from './catalogue-view.js';
import type { ProviderMatch } from './providers.js';
import { summaryOf } from './reasons.js';
import type { Advice, AdviceLink, LiveStatus, NamedList, Reason } from './types.js';

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
  /** The server's words, for a removal request. */
  readonly diagnostic: string | null;
  readonly status: string | null;
  readonly replyCode: number | null;
  /** When the bounce was written (Date header), for a removal request. */
  readonly date?: string | null;
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

/**
 * How serious each kind of advice is: lower comes first. A compromised host or a spam-source
 * listing outranks policy listings (PBL), which outrank fixes and notes.
 */
const RANK: Readonly<Record<string, number>> = {
  'relay-test': 0,
  'receiver-misconfigured': 2,
  'private-block': 3,
  'recipient-block': 3,
  smarthost: 3,
  postmaster: 4,
  delist: 5,
  recheck: 7,
  'also-listed': 8,
  cleared: 9,
};
/** Delisting steps by how serious the listing is (a spam source before a policy listing). */
const DELIST_RANK: Readonly<Record<ListSeverity, number>> = { serious: 1, exploit: 1, listing: 5, policy: 6 };
const rankOf = (a: Advice, ranks: ReadonlyMap<Advice, number>): number => ranks.get(a) ?? RANK[a.kind] ?? 10;

/** The receiving domain to write to: the recipient's domain, else the rejecting host's. */
export function receivingDomain(recipient: string | null, remoteHost: string | null): string | null {
  const at = recipient?.lastIndexOf('@') ?? -1;
  if (recipient && at > 0) return recipient.slice(at + 1).toLowerCase();
  if (remoteHost) return getDomain(remoteHost) ?? null;
  return null;
}

interface BigReceiver {
  readonly name: string;
  readonly domains: RegExp;
  readonly text: RegExp;
  readonly links: readonly AdviceLink[];
}

/** Large receivers that do not read postmaster@: their own forms are the route. */
const BIG_RECEIVERS: readonly BigReceiver[] = [
  {
    name: 'Gmail / Google Workspace',
    domains: /(?:^|\.)(?:gmail\.com|googlemail\.com|google\.com)$/,
    text: /gsmtp|google\.com|gmail/,
    links: [
      { label: 'Gmail bulk sender contact form', url: 'https://support.google.com/mail/contact/bulk_send_new' },
      { label: 'Gmail sender guidelines', url: 'https://support.google.com/mail/answer/81126' },
      { label: 'Google Postmaster Tools', url: 'https://postmaster.google.com/' },
    ],
  },
  {
    name: 'Microsoft 365',
    domains: /(?:^|\.)(?:protection\.outlook\.com|onmicrosoft\.com)$/,
    text: /protection\.outlook\.com|banned sending ip|sender\.office\.com|as160126/,
    links: [{ label: 'Microsoft delist portal', url: 'https://sender.office.com/' }],
  },
  {
    name: 'Outlook.com',
    domains: /(?:^|\.)(?:outlook\.com|hotmail\.[a-z.]{2,6}|live\.[a-z.]{2,6}|msn\.com)$/,
    text: /\bs3\d{3}\b|hotmail|outlook\.com|live\.com/,
    links: [
      { label: 'Outlook.com sender support form', url: 'https://go.microsoft.com/fwlink/?LinkID=614866' },
      { label: 'Microsoft SNDS and JMRP', url: 'https://sendersupport.olc.protection.outlook.com/snds/' },
    ],
  },
  {
    name: 'Yahoo / AOL',
    domains: /(?:^|\.)(?:yahoo\.[a-z.]{2,6}|ymail\.com|rocketmail\.com|aol\.com|yahoodns\.net|att\.net|sbcglobal\.net)$/,
    text: /yahoo|\baol\b|\btss\d\d\b/,
    links: [
      { label: 'Yahoo Sender Hub support form', url: 'https://senders.yahooinc.com/contact' },
      { label: 'Yahoo error codes', url: 'https://senders.yahooinc.com/smtp-error-codes/' },
    ],
  },
  {
    name: 'Apple iCloud',
    domains: /(?:^|\.)(?:icloud\.com|me\.com|mac\.com)$/,
    text: /icloud|apple\.com/,
    links: [{ label: 'Apple postmaster information', url: 'https://support.apple.com/en-us/102322' }],
  },
];

function bigReceiver(input: AdviceInput, domain: string | null): BigReceiver | null {
  const host = input.remoteHost ?? '';
  for (const b of BIG_RECEIVERS) if ((domain && b.domains.test(domain)) || (host && b.domains.test(host))) return b;
  for (const b of BIG_RECEIVERS) if (b.text.test(input.text.slice(0, 4000))) return b;
  return null;
}

/**
 * A request to the receiver's postmaster, ready to send: subject and body filled in with
 * the sending IP, its PTR, the error line and the date.
 */
/** An address the refusal itself says to write to ("Contact postmaster@isp.example"). */
function namedContact(input: AdviceInput): string | null {
  const text = (input.diagnostic ?? '').slice(0, 2000);
  const m =
    /(?:contact|write to|e-?mail|mail to|send (?:an? )?(?:e-?mail|message|request) to|at)\s{1,3}<?([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6})/i.exec(
      text,
    ) ?? /\b((?:postmaster|abuse|delist|unblock|blocklist|rbl|support|security)@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6})/i.exec(text);
  const address = m?.[1]?.replace(/\.$/, '').toLowerCase() ?? null;
  return address && address !== input.recipient?.toLowerCase() ? address : null;
}

function removalRequest(domain: string | null, input: AdviceInput): Advice {
  const ip = input.senderIp;
  const ptr = input.live?.ptr;
  const contact = namedContact(input) ?? (domain ? `postmaster@${domain}` : null);
  const who = contact ?? 'the postmaster of the receiving domain';
  const error = (input.diagnostic ?? '').slice(0, 300);
  const lines = [
    'Hello,',
    '',
    `mail from our server${ip ? ` ${ip}` : ''}${ptr ? ` (${ptr})` : ''}${input.recipient ? ` to ${input.recipient}` : ''} was refused${input.date ? ` on ${input.date}` : ''} with:`,
    '',
    error || '(error line)',
    '',
    `Please remove ${ip ?? 'our IP'} from your block list, or tell us why it is listed. We write from another address because mail from our own domain is blocked.`,
    '',
    'Thank you.',
  ];
  const subject = `Block removal request${ip ? ` for ${ip}` : ''}`;
  const mailto = contact ? `mailto:${contact}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(lines.join('\n'))}` : null;
  return {
    kind: 'postmaster',
    text: `Write to ${who} from an address outside your own blocked domain (e.g. a webmail account), quote the full error line${ip ? ` and your sending IP ${ip}` : ''}, and ask them to lift the block or say why it is there. The link opens the request ready to send.`,
    links: mailto ? [{ label: `Request to ${contact}`, url: mailto }] : [],
  };
}

type ListSeverity = 'serious' | 'exploit' | 'listing' | 'policy';

/** The parts of a live listing's meaning ("SBL …; PBL …"), most serious first. */
function listingParts(zone: string, liveMeaning: string | null): { severity: ListSeverity; text: string }[] {
  const z = zone.toLowerCase();
  const parts = (liveMeaning ?? '')
    .split(/;\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: { severity: ListSeverity; text: string }[] = [];
  const add = (severity: ListSeverity, text: string) => {
    if (!out.some((o) => o.text === text)) out.push({ severity, text });
  };
  const sources = parts.length ? parts : [''];
  for (const part of sources) {
    const m = part.toLowerCase();
    if (/\bsbl\b|drop|\bbcl\b|spam source|spam operation/.test(m) || (!m && z.startsWith('sbl.'))) {
      add(
        'serious',
        'SBL lists verified spam sources and spam support: find what sent the spam, fix it, then open the SBL record at Spamhaus and follow its removal steps (many SBL entries are removed only through the IP owner).',
      );
    } else if (/\bxbl\b|\bcbl\b|exploit|infected|\bbot/.test(m) || (!m && (z.startsWith('xbl.') || z.startsWith('cbl.')))) {
      add(
        'exploit',
        'XBL/CBL lists infected or exploited hosts: find the infected machine, open proxy or abused account behind this IP first, or it comes back within hours.',
      );
    } else if (/\bpbl\b|policy|end-user|dynamic/.test(m) || (!m && z.startsWith('pbl.'))) {
      add(
        'policy',
        'PBL is a policy list of end-user address space: send through your ISP\u2019s smarthost, or, for a static mail-server IP with proper rDNS, remove it yourself at Spamhaus (or ask the ISP for ISP-maintained entries).',
      );
    } else if (!m) {
      add('listing', listRequirement(z));
    } else add('listing', `${part}: ${listRequirement(z)}`);
  }
  const order: Record<ListSeverity, number> = { serious: 0, exploit: 1, listing: 2, policy: 3 };
  return out.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** What each public list needs before it delists, in one sentence. */
function listRequirement(z: string): string {
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

/** Smarthost advice for "not authorized to send directly" (Gmail), end-user ranges and missing PTRs. */
const DIRECT_SEND =
  /not authorized to send email directly|please use the smtp (?:relay|server) of your|dynamic ip|end-user|residential|dial-?up|\bpbl\b/;

export function buildAdvice(view: CatalogueView, input: AdviceInput): Advice[] {
  const out: Advice[] = [];
  const ranks = new Map<Advice, number>();
  const ip = input.senderIp;
  const domain = receivingDomain(input.recipient, input.remoteHost);
  const provider = input.providers[0]?.rule ?? null;
  const live = input.live;
  const publicLists = input.lists.filter((l) => !l.defunct);
  const deadLists = input.lists.filter((l) => l.defunct);
  const misconfigured = MISCONFIGURED_RECEIVER.test(input.text);
  const big = bigReceiver(input, domain);

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
    const zv = view.zone(dead.zone);
    out.push({
      kind: 'receiver-misconfigured',
      text: `${dead.name} is shut down${zv?.defunctSince ? ` (since ${zv.defunctSince})` : ''}; nobody is listed on it any more. The receiver still uses it in its configuration, so your IP is probably not listed anywhere that matters: the receiving side must remove it.`,
      links: [],
    });
  }
  if ((misconfigured || deadLists.length) && publicLists.length === 0) out.push(removalRequest(domain, input));

  // 2. Public lists: re-check and delist, the most serious listing first.
  for (const list of publicLists) {
    const target = list.target ?? ip;
    const zv = view.zone(list.zone);
    const lookup = fillUrl(zv?.lookupUrl, target);
    const named = live?.named.find((n) => n.zone === list.zone);
    const liveHit = live?.listedOn.find((l) => l.zone === list.zone);
    if (named?.status === 'listed') {
      const removal = fillUrl(named.removalUrl ?? zv?.removalUrl, target) ?? lookup;
      for (const part of listingParts(list.zone, liveHit?.meaning ?? null)) {
        const a: Advice = {
          kind: 'delist',
          text: `${target ?? 'The IP'} is still listed on ${list.name} right now. ${part.text}`,
          links: removal ? [{ label: `${list.name}: removal`, url: removal }] : [],
        };
        ranks.set(a, DELIST_RANK[part.severity]);
        out.push(a);
      }
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
      const parts = listingParts(list.zone, null)
        .map((p) => p.text)
        .join(' ');
      out.push({
        kind: 'recheck',
        text: `The bounce names ${list.name}. Check ${target ?? 'your sending IP'} on it now (/rbl ${target ?? '<ip>'} or rblbot check ${target ?? '<ip>'}); if it is still listed: ${parts}`,
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
      text: 'This points at an open relay, an open proxy or a compromised machine or account sending through your server. Test the server with /relay (rblbot relay <host>), check for infected hosts and leaked SMTP passwords, and only then ask for delisting.',
      links: [],
    });
  }

  // 4. Reason-specific advice.
  const links = (provider?.links ?? []) as readonly AdviceLink[];
  switch (input.reason) {
    case 'blocked':
    case 'badreputation':
    case 'speeding': {
      if (DIRECT_SEND.test(input.text)) {
        out.push({
          kind: 'smarthost',
          text: `The receiver does not take mail straight from ${ip ?? 'this IP'}: it is in end-user (dynamic) address space, such as the Spamhaus PBL, or has no proper PTR. Send through your provider\u2019s SMTP relay (smarthost). For a static server IP: give it a PTR naming your mail host that resolves back to it, and request PBL removal at Spamhaus.`,
          links: [
            {
              label: 'Spamhaus PBL removal',
              url: ip ? `https://check.spamhaus.org/results/?query=${encodeURIComponent(ip)}` : 'https://check.spamhaus.org/',
            },
            ...(big?.links.slice(0, 1) ?? []),
          ],
        });
      }
      if (publicLists.length === 0 && deadLists.length === 0 && !misconfigured) {
        const kinds = new Set(input.providers.map((p) => p.rule.block));
        if (kinds.has('recipient')) {
          out.push({
            kind: 'recipient-block',
            text: 'The recipient organisation blocks you with its own list or policy; its provider cannot lift it. Contact the recipient by another channel, or send its postmaster the request.',
            links: [],
          });
          out.push(removalRequest(domain, input));
        } else if (input.reason === 'blocked' && !DIRECT_SEND.test(input.text)) {
          const formLinks: readonly AdviceLink[] = links.length ? links : (big?.links ?? []);
          out.push({
            kind: 'private-block',
            text: `No public blocklist is named: this is ${provider ? `${provider.provider}\u2019s` : big ? `${big.name}\u2019s` : 'the receiver\u2019s'} own (private) block${ip ? ` of ${ip}` : ''}. ${provider ? provider.meaning : 'Public blocklist checks cannot show it.'}${formLinks.length ? ' Ask for removal with the provider\u2019s own form (its postmaster@ address is not read).' : ''}`,
            links: formLinks,
          });
          if (formLinks.length === 0) out.push(removalRequest(domain, input));
          if (ip)
            out.push({
              kind: 'recheck',
              text: `Check ${ip} on the public lists anyway (/rbl ${ip}): receivers often build private blocks from them.`,
              links: [],
            });
        }
        if (input.reason === 'badreputation' || kinds.has('reputation')) {
          out.push({
            kind: 'reputation',
            text: `${provider ? `${provider.provider} rates` : 'The receiver rates'} the reputation of your IP or domain too low${input.permanent === false ? ' and defers for now' : ''}. Slow down, send only to people who asked for mail, remove unknown addresses and complainers, and register with the provider\u2019s postmaster tools and feedback loop.`,
            links: links.length ? links : (big?.links ?? []),
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
    case 'filtered':
      out.push({
        kind: 'fix-address',
        text:
          input.reason === 'filtered'
            ? 'The receiving side refused the message for this recipient after reading it (the address may not exist, or its filter rejects you). Check the address, and remove it from your lists if it keeps failing. Not a blocklist problem.'
            : 'The recipient address does not exist there. Check the spelling, and remove it from your lists: repeated sends to unknown users hurt your reputation. Not a blocklist problem.',
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
        text: 'The receiver refused the envelope sender (MAIL FROM): make sure the sender domain exists, has MX or A records, and is not itself on a domain blocklist (check it with /rbl <domain>).',
        links,
      });
      break;
    case 'spamdetected':
      out.push({
        kind: 'fix-content',
        text: 'The content was judged as spam. Check the links and domains in the message (/rbl <domain> checks the domain lists such as Spamhaus DBL), avoid URL shorteners and spammy wording, and authenticate with SPF, DKIM and DMARC.',
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
        text: 'The receiving server could not be reached or kept failing until the message expired. Check the domain\u2019s MX and your outbound port 25; a server that silently drops your connections may also be blocking your IP, so check it with /rbl.',
        links: [],
      });
      break;
    case 'systemerror':
    case 'systemfull':
    case 'mailererror':
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
          text: 'A security policy refused the message (5.7.x) without naming a list. Read the server text: it may be a private block, authentication, or the recipient\u2019s rules. Check your IP with /rbl and your SPF/DKIM/DMARC.',
          links: links.length ? links : (big?.links ?? []),
        });
        if (!big) out.push(removalRequest(domain, input));
      }
      break;
    case 'suppressed':
      out.push({
        kind: 'fix-address',
        text: 'Your sending platform did not send to this address because it is on its suppression list (earlier hard bounces or complaints). Remove it from your lists, or clear it in the platform only if you are sure it works again.',
        links: [],
      });
      break;
    default:
      break;
  }
  if (input.greylisted) {
    out.push({
      kind: 'wait',
      text: 'Greylisting: the receiver defers unknown senders once on purpose. Your server retries on its own and the mail will go through. Not a blocklist problem.',
      links: [],
    });
  } else if (input.reason === 'onhold' || input.reason === 'undefined') {
    out.push({
      kind: 'unclear',
      text: 'The server text does not say clearly why. Read it below; if your IP may be the cause, check it with /rbl, otherwise ask the receiver\u2019s postmaster.',
      links: [],
    });
  }
  if (input.permanent === false && !['onhold', 'mailboxfull', 'systemerror'].includes(input.reason) && !input.greylisted) {
    out.push({
      kind: 'temporary',
      text: 'This refusal is temporary (4xx): your server keeps retrying for a while, so fix the cause soon and the queued mail may still go out.',
      links: [],
    });
  }
  return order(dedupe(out), ranks);
}

/** Most serious first; advice of equal rank keeps its order. */
function order(items: Advice[], ranks: ReadonlyMap<Advice, number>): Advice[] {
  return items
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rankOf(x.a, ranks) - rankOf(y.a, ranks) || x.i - y.i)
    .map((x) => x.a);
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
  const who = s.provider ?? s.remoteHost ?? s.remoteIp ?? 'The receiving server';
  const what = s.greylisted ? 'greylisted the mail (temporary, retried automatically)' : summaryOf(s.reason);
  let line = `${who} ${what}`;
  if (s.recipient) line += ` for ${s.recipient}`;
  const live = s.lists.filter((l) => !l.defunct);
  const dead = s.lists.filter((l) => l.defunct);
  if (live.length) line += `: ${s.senderIp ?? live[0]!.target ?? 'the sending IP'} is named on ${live.map((l) => l.name).join(', ')}`;
  else if (dead.length) line += `, citing ${dead.map((l) => l.name).join(', ')}, a list that no longer exists`;
  else if (s.senderIp && s.blocklistProblem) line += ` (sending IP ${s.senderIp})`;
  line += '.';
  if (s.permanent === false && !s.greylisted) line += ' Temporary: the sender will retry.';
  if (!s.blocklistProblem && !['onhold', 'securityerror', 'undefined'].includes(s.reason)) line += ' Not a blocklist problem.';
  return line;
}
