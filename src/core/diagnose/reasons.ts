/**
 * Classification in Sisimai's reason vocabulary. Our own ordering, informed by how
 * Sisimai decides (see the team's bounce taxonomy): provider-specific codes first, then
 * specific enhanced status codes, then a named blocklist, then phrases on the server's
 * own words, then structural fallbacks (x.7.x → securityerror, failure at connect →
 * blocked, text present → onhold).
 */
import type { SmtpCommand } from './extract.js';
import type { Reason } from './types.js';

/** Status codes that name one reason on their own. */
const STATUS_REASON: Readonly<Record<string, Reason>> = {
  '5.1.1': 'userunknown',
  '5.1.0': 'userunknown',
  '5.1.3': 'userunknown',
  '5.1.2': 'hostunknown',
  '5.1.6': 'hasmoved',
  '5.1.7': 'rejected',
  '5.1.8': 'rejected',
  '4.1.7': 'rejected',
  '4.1.8': 'rejected',
  '5.1.10': 'notaccept',
  '5.2.2': 'mailboxfull',
  '4.2.2': 'mailboxfull',
  '5.2.3': 'exceedlimit',
  '5.3.4': 'mesgtoobig',
  '5.3.2': 'notaccept',
  '5.4.4': 'hostunknown',
  '4.4.7': 'expired',
  '5.4.7': 'expired',
  '5.7.13': 'suspend',
  '5.7.16': 'mesgtoobig',
  '5.7.17': 'hasmoved',
  '5.7.18': 'hasmoved',
  '5.7.20': 'authfailure',
  '5.7.21': 'authfailure',
  '5.7.22': 'authfailure',
  '5.7.23': 'authfailure',
  '5.7.24': 'authfailure',
  '4.7.24': 'authfailure',
  '5.7.25': 'requireptr',
  '4.7.25': 'requireptr',
  '5.7.26': 'authfailure',
  '4.7.26': 'authfailure',
  '5.7.27': 'authfailure',
  '4.7.27': 'authfailure',
  '5.7.28': 'spamdetected',
  '5.7.29': 'authfailure',
  '5.7.30': 'authfailure',
  '4.7.30': 'authfailure',
  '4.7.32': 'authfailure',
  '5.7.32': 'authfailure',
  '4.7.23': 'requireptr',
};

/** Status codes that only hint; phrases override them. */
const WEAK_STATUS: readonly [RegExp, Reason][] = [
  [/^4\.7\.[12]$/, 'blocked'],
  [/^[45]\.6\./, 'contenterror'],
  [/^[45]\.7\./, 'securityerror'],
  [/^[45]\.2\.1$/, 'suspend'],
  [/^[45]\.4\.[0-6]$/, 'networkerror'],
  [/^[45]\.3\.[0-5]$/, 'systemerror'],
  [/^[45]\.5\.[0-9]$/, 'syntaxerror'],
];

/** Phrase rules, tried in order on the lower-cased, squeezed server text. */
export const PHRASES: readonly [Reason, RegExp][] = [
  ['expired', /message expired|delivery (?:time|period) expired|retry timeout exceeded|message has been in the queue too long/],
  [
    'mailboxfull',
    /mailbox (?:is )?full|over ?quota|quota (?:exceeded|full)|exceeded (?:its |the )?(?:storage|quota)|mailbox size limit|insufficient (?:disk )?space|out of storage|disk quota|mailbox is over|storage (?:allocation|limit) exceeded|full mailbox/,
  ],
  [
    'mesgtoobig',
    /message (?:is )?too (?:large|big)|message size exceeds|size exceeds|exceeds (?:the )?(?:maximum|max)(?: allowed)? (?:message )?size|message length exceeds|too large for|message exceeds|maximum message size/,
  ],
  [
    'suspend',
    /account (?:has been |is )?(?:disabled|suspended|deactivated|inactive|closed|locked|blocked due)|mailbox (?:is )?(?:disabled|inactive|suspended)|user (?:is )?(?:suspended|inactive|disabled)|recipient (?:is )?(?:suspended|inactive)|not an active|deactivated/,
  ],
  ['hasmoved', /\bhas moved\b|address (?:has )?changed|no longer (?:valid|available|in use|with)/],
  [
    'norelaying',
    /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)|unable to relay|not permitted to relay|not allowed to relay|we do not relay|relaying denied|no relaying|relay not permitted|cannot relay|open relay not allowed|must be (?:logged in|authenticated) to (?:send|relay)|relay access/,
  ],
  ['authfailure', /\bspf\b|\bdkim\b|\bdmarc\b|sender policy framework|domainkeys|unauthenticated (?:mail|email)|arc validation/],
  [
    'securityerror',
    /client not authenticated|not authenticated to send|authentication required|must authenticate|auth(?:entication)? (?:is )?required|530 5\.7\.0/,
  ],
  [
    'blocked',
    /client with ip address|does not have permissions? to (?:submit|send|relay)|helo command rejected|ehlo command rejected|invalid helo|bad helo|helo name|helo hostname|\bhelo\b.{0,40}(?:rejected|invalid|not allowed)/,
  ],
  [
    'userunknown',
    /user unknown|unknown user|no such user|does(?:n't| not) exist|unknown recipient|recipient (?:not found|unknown|does not exist)|no such (?:mailbox|recipient|address|account)|mailbox (?:not found|does not exist|unavailable|not exist)|invalid (?:recipient|mailbox|address|user)|user not found|address not found|account (?:that you tried to reach )?does not exist|unrouteable address|not a valid (?:mailbox|recipient|user)|user doesn'?t have|no mailbox|bad destination mailbox|addressee unknown|recipient address rejected: (?:user unknown|unknown)|undeliverable address|no longer exists/,
  ],
  [
    'requireptr',
    /reverse dns|reverse (?:hostname|lookup|address|name)|ptr (?:record|resource|lookup)|no ptr|\brdns\b|cannot find your hostname|fcrdns|forward[- ]confirmed|dns ptr|not have a ptr|client host rejected: cannot find your|pointer record|rdns_none|reverse mapping/,
  ],
  [
    'notcompliantrfc',
    /rfc ?5322|rfc ?2822|not (?:rfc|rfc-)compliant|multiple (?:from|sender|to) (?:header|address)|duplicate header|header (?:syntax|field) error/,
  ],
  ['badreputation', /reputation/],
  [
    'rejected',
    /sender address rejected|sender rejected|sender verify failed|sender verification|domain of sender address|sender domain (?:does not exist|not found|rejected)|invalid sender|unroutable sender|sender unknown|bad sender|sender (?:is )?not (?:authorized|allowed)|return path|mail from (?:rejected|refused)|envelope (?:sender|from) (?:rejected|refused|not allowed)|sender address blocked|blacklisted sender|sender blocked|sender (?:address )?(?:is )?on (?:a|our) (?:block|black)/,
  ],
  [
    'hostunknown',
    /host unknown|domain (?:not found|does not exist|name not found)|no such domain|unrouteable domain|host not found|name service error|no mx|mx lookup failed|nxdomain|domain (?:is )?invalid|unknown domain|domain could not be found/,
  ],
  // An IP listing worded with "spam" ("your IP is listed as a spam source") is a block, not content.
  [
    'blocked',
    /\bip(?: address)? [^ ]{1,45} (?:is |was |has been )?(?:currently )?(?:black ?listed|listed|blocked|banned)|(?:your|sending|client|source|sender) ip(?: address)? (?:is |was |has been )?(?:currently )?(?:black ?listed|listed|blocked|banned)|\bdnsbl\b|\brbl\b/,
  ],
  ['virusdetected', /virus|malware|infected|trojan|phishing/],
  [
    'spamdetected',
    /\bspam\b|unsolicited|\bbulk (?:mail|email)|looks like spam|content (?:rejected|filter)|message content|blacklisted url|url (?:is )?(?:black|block)listed|\buce\b|junk mail detected|high spam|spam score|spammy|identified as spam|considered spam|classified as spam/,
  ],
  [
    'speeding',
    /rate limit|rate-limit|ratelimit|too many (?:messages|emails|mails)|sending (?:too fast|rate)|too fast|throttl|exceeded (?:the )?(?:rate|sending limit)|excessive volume|too much mail|receiving mail at a rate|message rate|sending limit|limit exceeded for|daily (?:sending )?limit/,
  ],
  [
    'toomanyconn',
    /too many (?:connections|concurrent|recipients|sessions|simultaneous)|connection limit|concurrent connections|connection rate limit|max(?:imum)? connections/,
  ],
  [
    'blocked',
    /blocked|black ?list|block ?list|deny ?list|banned|\blisted (?:in|on|at|by)\b|\bis listed\b|\brbl\b|\bdnsbl\b|client host rejected|access denied|not accepted from|connections? (?:not accepted|refused|rejected)|your ip|ip address (?:is |has been )?(?:rejected|blocked|not allowed)|dynamic ip|residential|dial-?up|dynamic (?:range|address|pool)|\bhelo\b|\behlo\b|refused to talk|not allowed to send|poor sender|bad sender ip|rejected due to (?:listing|local policy)|local policy|end-user|not welcome|service (?:not available|unavailable)|go away|your network|part of their network|temporarily deferred|permanently deferred/,
  ],
  [
    'policyviolation',
    /policy|prohibited|not allowed|forbidden|attachment (?:type|not allowed|blocked|rejected)|restricted|closed (?:mailing )?list|moderat/,
  ],
  ['failedstarttls', /starttls|\btls\b|encryption required|must issue a starttls|mta-sts|\bdane\b|certificate|require ?tls|ssl/],
  ['systemfull', /insufficient system storage|system (?:full|storage)|disk full|out of disk|queue (?:is )?full/],
  [
    'systemerror',
    /system error|internal (?:server )?error|local error|server error|configuration error|misconfig|temporary (?:server )?(?:failure|error|problem)|try again later|service temporarily unavailable|mail loop|routing loop|loop detected|too many hops/,
  ],
  [
    'expired',
    /retry (?:time(?:out)?|period) exceeded|delivery time expired|giving up|message expired|too long in (?:the )?queue|was not delivered after|has not been delivered (?:for|after)|delivery (?:has been )?delayed|could not be delivered for|expired|timeout exceeded|undeliverable for more than/,
  ],
  [
    'networkerror',
    /timed? ?out|connection (?:refused|reset|closed|dropped|lost)|network (?:is )?unreachable|no route to host|unable to connect|could not connect|couldn'?t connect|host unreachable|dns (?:lookup|error|failure)|lost connection|connect to [^ ]{1,100} port/,
  ],
  ['syntaxerror', /syntax error|command (?:not recognized|unrecognized)|bad sequence|unrecognized command|line too long|invalid command/],
];

/** Greylisting: temporary on purpose; we report it as onhold with its own advice. */
export const GREYLIST = /grey ?list|gray ?list|greylisted|graylisted|try again in \d{1,4} (?:seconds|minutes)|please retry later/;

export interface ClassifyInput {
  readonly providerReason: Reason | null;
  /** The provider code only says "refused"; specific words in the reply win. */
  readonly providerWeak?: boolean;
  readonly status: string | null;
  readonly replyCode: number | null;
  /** Lower-cased, squeezed server text (diagnostic). */
  readonly diagnostic: string;
  /** Lower-cased, squeezed whole segment, used when the diagnostic says nothing. */
  readonly context: string;
  readonly listNamed: boolean;
  readonly domainListOnly: boolean;
  readonly command: SmtpCommand;
  readonly action: string | null;
}

export function phraseReason(text: string): Reason | null {
  if (!text) return null;
  for (const [reason, re] of PHRASES) if (re.test(text)) return reason;
  return null;
}

const SPECIFIC: ReadonlySet<Reason> = new Set<Reason>([
  'requireptr',
  'badreputation',
  'toomanyconn',
  'speeding',
  'authfailure',
  'userunknown',
  'mailboxfull',
  'mesgtoobig',
  'norelaying',
  'suspend',
]);

export function classify(input: ClassifyInput): Reason {
  if (input.providerReason && input.providerWeak) {
    const phrase = phraseReason(input.diagnostic);
    if (phrase && SPECIFIC.has(phrase)) return phrase;
  }
  if (input.providerReason) return input.providerReason;
  const status = input.status;
  if (status && STATUS_REASON[status]) {
    const specific = STATUS_REASON[status]!;
    // 5.1.x user codes are sometimes reused for blocks ("550 5.1.0 … blocked using …").
    if (!(input.listNamed && (specific === 'userunknown' || specific === 'rejected'))) return specific;
  }
  if (input.listNamed) {
    if (input.domainListOnly) {
      if (/sender|helo|from/.test(input.diagnostic)) return 'rejected';
      if (/\burl|\buri|link|body|content|message contains|domain present/.test(input.diagnostic)) return 'spamdetected';
    }
    return 'blocked';
  }
  if (GREYLIST.test(input.diagnostic)) return 'onhold';
  const phrase = phraseReason(input.diagnostic);
  if (phrase) return phrase;
  if (status) for (const [re, reason] of WEAK_STATUS) if (re.test(status)) return reason;
  if (input.command === 'CONN' || input.command === 'EHLO') return 'blocked';
  if (input.command === 'MAIL') return 'rejected';
  const code = input.replyCode;
  if (code === 552) return 'mailboxfull';
  if (code === 554 && input.command === null && /\b(?:no smtp service|not accepting)/.test(input.diagnostic)) return 'blocked';
  if (code !== null && code >= 500 && code <= 504) return 'syntaxerror';
  if (input.action === 'delayed') return 'expired';
  if (!input.diagnostic) {
    const fromContext = phraseReason(input.context);
    if (fromContext) return fromContext;
  }
  if (input.diagnostic || code !== null) return 'onhold';
  if (input.context.trim()) {
    const fromContext = phraseReason(input.context);
    if (fromContext) return fromContext;
  }
  return 'undefined';
}
