/**
 * Provider-specific codes and texts: what the big receivers and filtering appliances
 * put in their refusals, what each means, which Sisimai reason it implies and where the
 * sender can ask for relief. Facts from the team's bounce taxonomy reference.
 *
 * Every pattern is a fixed word or a bounded character class: no nested quantifiers.
 */
import type { Reason } from './types.js';

export type BlockKind =
  /** The receiver's own block list (not queryable; provider form or postmaster). */
  | 'private'
  /** The recipient organisation's own list or policy (ask them). */
  | 'recipient'
  /** Reputation score, no list (sending practices, warm-up, provider tools). */
  | 'reputation'
  /** A public list is behind the code (the list is found separately). */
  | 'public'
  | 'none';

export interface ProviderRule {
  readonly provider: string;
  /** Tested against the diagnostic text (original case). */
  readonly re: RegExp;
  /** The code to show; `$1` takes the first group. */
  readonly code: string;
  readonly meaning: string;
  readonly reason?: Reason;
  readonly block: BlockKind;
  readonly links?: readonly { readonly label: string; readonly url: string }[];
  /** Rejected for sending too much / compromise: point at the relay test too. */
  readonly relay?: boolean;
}

/**
 * Providers whose code only says "we refused you": the words of the reply (bad PTR,
 * bad reputation, too many connections) decide the reason when they are specific.
 */
export const WEAK_PROVIDERS: ReadonlySet<string> = new Set([
  'GMX / web.de',
  'T-Online',
  'Orange',
  'La Poste',
  'Mimecast',
  'Cox',
  'Comcast',
  'Cloudmark',
  'AOL',
]);

const MS_FORM = { label: 'Outlook.com sender support form', url: 'https://go.microsoft.com/fwlink/?LinkID=614866' };
const MS_SNDS = { label: 'Microsoft SNDS and JMRP', url: 'https://sendersupport.olc.protection.outlook.com/snds/' };
const MS_DELIST = { label: 'Microsoft delist portal', url: 'https://sender.office.com/' };
const YAHOO_HUB = { label: 'Yahoo Sender Hub', url: 'https://senders.yahooinc.com/' };
const YAHOO_CODES = { label: 'Yahoo error codes', url: 'https://senders.yahooinc.com/smtp-error-codes/' };
const GOOGLE_GUIDE = { label: 'Gmail sender guidelines', url: 'https://support.google.com/mail/answer/81126' };
const GOOGLE_PMT = { label: 'Google Postmaster Tools', url: 'https://postmaster.google.com/' };

export const PROVIDER_RULES: readonly ProviderRule[] = [
  // --- Microsoft consumer (Outlook.com / Hotmail) ---
  {
    provider: 'Microsoft (Outlook.com)',
    re: /\bA?S3140\b/,
    code: 'S3140',
    meaning: 'The sending IP is on Microsoft\u2019s own block list (part of the network is blocked).',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM, MS_SNDS],
  },
  {
    provider: 'Microsoft (Outlook.com)',
    re: /\bA?S3150\b/,
    code: 'S3150',
    meaning: 'The sending IP is on Microsoft\u2019s own block list (S3150; can persist while the delist portal says "not blocked").',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM, MS_SNDS],
  },
  {
    provider: 'Microsoft (Outlook.com)',
    re: /\bA?S3(?:1[0-9]{2}|[02-9][0-9]{2})\b/,
    code: '$0',
    meaning: 'A Microsoft Outlook.com block code: the IP is refused by Microsoft\u2019s own filters.',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM, MS_SNDS],
  },
  {
    provider: 'Microsoft (Outlook.com)',
    re: /\bS775\b/,
    code: 'S775',
    meaning: 'Microsoft is rate-limiting the IP because of its reputation.',
    reason: 'badreputation',
    block: 'reputation',
    links: [MS_SNDS],
  },
  {
    provider: 'Microsoft (Hotmail, legacy)',
    re: /\bSC-00[1-4]\b/,
    code: '$0',
    meaning: 'Legacy Hotmail block: SC-001 IP on the block list, SC-002/004 spam source, SC-003 open relay.',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM],
  },
  {
    provider: 'Microsoft (Hotmail, legacy)',
    re: /\bOU-00[1-2]\b/,
    code: '$0',
    meaning: 'Legacy Hotmail block: the IP is blocked by Microsoft.',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM],
  },
  {
    provider: 'Microsoft (Hotmail, legacy)',
    re: /\bDY-00[1-2]\b/,
    code: '$0',
    meaning: 'Legacy Hotmail block: the IP looks dynamic (end-user space).',
    reason: 'blocked',
    block: 'private',
    links: [MS_FORM],
  },
  {
    provider: 'Microsoft (Hotmail, legacy)',
    re: /\bRP-00[1-3]\b/,
    code: '$0',
    // Outlook.com's page: the rate limit is "related to IP/domain reputation" (Sisimai: badreputation).
    meaning: 'Legacy Hotmail rate limit, set by the sending IP\u2019s or domain\u2019s reputation.',
    reason: 'badreputation',
    block: 'reputation',
    links: [MS_SNDS],
  },
  // --- Microsoft 365 / EOP (codes live in the enhanced status) ---
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.6(?:0[6-9]|[1-3][0-9]|4[0-9])\b/,
    code: '$0',
    meaning: 'Microsoft 365 banned the sending IP (EOP ban list); the delist portal removes it.',
    reason: 'blocked',
    block: 'private',
    links: [MS_DELIST],
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.511\b/,
    code: '5.7.511',
    meaning: 'Microsoft 365 banned the sender; ask for removal by forwarding the NDR to delist@messaging.microsoft.com.',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'delist@messaging.microsoft.com', url: 'mailto:delist@messaging.microsoft.com' }],
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.513\b|Customer Block ?list|AS16012607\b/,
    code: 'AS16012607',
    meaning: 'The recipient organisation blocks you with its own list (Customer Block list); only its admins can lift it.',
    reason: 'blocked',
    block: 'recipient',
  },
  {
    provider: 'Microsoft 365',
    re: /\bAS16012611\b/,
    code: 'AS16012611',
    meaning: 'Microsoft 365 refused the IP because Spamhaus lists it.',
    reason: 'blocked',
    block: 'public',
  },
  {
    provider: 'Microsoft 365',
    re: /\bS8001\b/,
    code: 'S8001',
    meaning: 'Microsoft 365: the HELO name is listed by Spamhaus.',
    reason: 'blocked',
    block: 'public',
  },
  {
    provider: 'Microsoft 365',
    re: /\b4\.7\.650\b/,
    code: '4.7.650',
    meaning: 'Microsoft is temporarily rate-limiting the IP because of its reputation.',
    reason: 'badreputation',
    block: 'reputation',
    links: [MS_SNDS],
  },
  {
    provider: 'Microsoft 365',
    // 5.7.708 (traffic refused for this IP's reputation) has its own rule below.
    re: /\b5\.7\.7(?!08\b)[0-4][0-9]\b/,
    code: '$0',
    meaning:
      'Microsoft 365: the sending tenant or IP exceeded limits or is banned (often a compromised account or open relay); contact Microsoft support.',
    reason: 'speeding',
    block: 'private',
    relay: true,
  },
  {
    provider: 'Microsoft 365',
    re: /\b4\.7\.[56][0-9]{2}\b/,
    code: '$0',
    meaning: 'Microsoft 365 temporarily refuses the IP (suspicious activity); retry later.',
    reason: 'blocked',
    block: 'private',
    links: [MS_DELIST],
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.50[1-3]\b/,
    code: '$0',
    meaning: 'Microsoft 365 blocked the sending account for spam or abuse.',
    reason: 'rejected',
    block: 'private',
    relay: true,
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.509\b/,
    code: '5.7.509',
    meaning: 'Microsoft 365: DMARC failed for the sending domain (p=reject).',
    reason: 'authfailure',
    block: 'none',
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.515\b/,
    code: '5.7.515',
    meaning: 'Microsoft: the sending domain does not meet the required authentication level (SPF, DKIM and DMARC).',
    reason: 'authfailure',
    block: 'none',
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.708\b/,
    code: '5.7.708',
    meaning: 'Microsoft 365: traffic from this IP is not accepted (poor reputation).',
    reason: 'blocked',
    block: 'private',
    links: [MS_DELIST],
  },
  {
    provider: 'Microsoft 365',
    re: /\b5\.7\.9[0-9]{2}\b/,
    code: '$0',
    meaning: 'Microsoft 365: a mail flow (transport) rule or policy of the recipient organisation refused the message.',
    reason: 'policyviolation',
    block: 'none',
  },
  {
    provider: 'Microsoft Exchange',
    re: /RESOLVER\.RST\.(?:NotAuthorized|AuthRequired|RestrictedToRecipientsPermission|SenderNotAuthorized|SenderNotAllowed)/,
    code: '$0',
    meaning: 'Exchange: you are not allowed to send to this recipient or group (restricted delivery).',
    reason: 'policyviolation',
    block: 'none',
  },
  // --- Yahoo / AOL ---
  {
    provider: 'Yahoo',
    re: /\bTSS0[1-4]\b|\bTS0[1-3]\b/,
    code: '$0',
    meaning: 'Yahoo is deferring mail from the IP: unexpected volume or user complaints (Yahoo\u2019s own reputation).',
    reason: 'badreputation',
    block: 'reputation',
    links: [YAHOO_HUB, YAHOO_CODES],
  },
  {
    provider: 'Yahoo',
    re: /\bTSS(?:09|1[01])\b/,
    code: '$0',
    meaning: 'Yahoo permanently blocks mail from this IP (Yahoo\u2019s own block list); retrying will not help.',
    reason: 'blocked',
    block: 'private',
    links: [YAHOO_HUB, YAHOO_CODES],
  },
  {
    provider: 'Yahoo',
    re: /\[BL2[1-3]\]/,
    code: '$0',
    meaning: 'Yahoo refuses the IP because Spamhaus lists it (BL21 PBL, BL22 SBL, BL23 XBL).',
    reason: 'blocked',
    block: 'public',
    links: [YAHOO_CODES],
  },
  {
    provider: 'Yahoo',
    re: /\bPH0[1-9]\b/,
    code: '$0',
    meaning: 'Yahoo refused the message for policy reasons (content or sending practices).',
    reason: 'policyviolation',
    block: 'none',
    links: [YAHOO_CODES],
  },
  {
    provider: 'Yahoo',
    re: /\bAU0[1-9]\b/,
    code: '$0',
    meaning: 'Yahoo: authentication (DKIM/SPF) failed.',
    reason: 'authfailure',
    block: 'none',
    links: [YAHOO_CODES],
  },
  {
    provider: 'Yahoo',
    re: /\bVS1-(?:IP|MF)\b/,
    code: '$0',
    meaning: 'Yahoo: excessive unknown recipients — possibly an open relay or a bad list.',
    reason: 'blocked',
    block: 'private',
    relay: true,
    links: [YAHOO_HUB],
  },
  {
    provider: 'AOL',
    re: /\((?:RTR|RLY|DNS|CON|HVU|DYN):[A-Z0-9]{1,4}\)/,
    code: '$0',
    meaning: 'Legacy AOL refusal code (RTR:BL/DU Spamhaus/dynamic, RTR:RD no rDNS, RLY:* reputation).',
    reason: 'blocked',
    block: 'private',
  },
  // --- Gmail ---
  {
    provider: 'Gmail',
    re: /UnsolicitedRateLimitError/,
    code: 'UnsolicitedRateLimitError',
    meaning: 'Gmail sees an unusual rate of unsolicited mail from your IP and rate-limits or blocks it.',
    reason: 'blocked',
    block: 'reputation',
    links: [GOOGLE_GUIDE, GOOGLE_PMT],
  },
  {
    provider: 'Gmail',
    re: /UnsolicitedMessageError|likely unsolicited mail/,
    code: 'UnsolicitedMessageError',
    meaning: 'Gmail judged this message as likely unsolicited (spam).',
    reason: 'spamdetected',
    block: 'none',
    links: [GOOGLE_GUIDE, GOOGLE_PMT],
  },
  {
    provider: 'Gmail',
    re: /\b[45]\.7\.(?:25|23)\b(?=[\s\S]{0,800}(?:gsmtp|google\.com))/,
    code: '$0',
    meaning: 'Gmail: the sending IP has no PTR record, or its name does not resolve back to the IP.',
    reason: 'requireptr',
    block: 'none',
    links: [GOOGLE_GUIDE],
  },
  {
    provider: 'Gmail',
    re: /\b[45]\.7\.26\b(?=[\s\S]{0,800}(?:gsmtp|google\.com))/,
    code: '$0',
    meaning: 'Gmail: the message is unauthenticated (SPF and DKIM failed) or fails the sender domain\u2019s DMARC policy.',
    reason: 'authfailure',
    block: 'none',
    links: [GOOGLE_GUIDE],
  },
  {
    provider: 'Gmail',
    re: /\b[45]\.7\.(?:27|30|32)\b(?=[\s\S]{0,800}(?:gsmtp|google\.com))/,
    code: '$0',
    meaning: 'Gmail: SPF (x.7.27), DKIM (x.7.30) or From-domain alignment (4.7.32) requirements for bulk senders are not met.',
    reason: 'authfailure',
    block: 'none',
    links: [GOOGLE_GUIDE],
  },
  {
    provider: 'Gmail',
    re: /very low reputation of the sending (?:IP|domain)/i,
    code: 'low-reputation',
    meaning: 'Gmail rates the sending IP or domain reputation as very low.',
    reason: 'badreputation',
    block: 'reputation',
    links: [GOOGLE_GUIDE, GOOGLE_PMT],
  },
  {
    provider: 'Gmail',
    re: /IP not in whitelist for RCPT domain/i,
    code: 'not-in-whitelist',
    meaning: 'The Google Workspace recipient only accepts mail from its own gateway list.',
    reason: 'blocked',
    block: 'recipient',
  },
  // --- T-Online ---
  {
    provider: 'T-Online',
    re: /tosa@rx\.t-online\.de|\(BL\)\s*$|\(BL\)[^A-Za-z]/m,
    code: 'BL',
    meaning: 'T-Online blocks the IP with its own list (unknown or long-idle IPs are blocked by default).',
    reason: 'blocked',
    block: 'private',
    links: [
      { label: 'T-Online postmaster', url: 'https://postmaster.t-online.de/' },
      { label: 'tosa@rx.t-online.de', url: 'mailto:tosa@rx.t-online.de' },
    ],
  },
  // --- United Internet (GMX, web.de, mail.com) ---
  {
    provider: 'GMX / web.de',
    re: /case\?c=(r\d{4}|[a-z]\d{3,4})/,
    code: '$1',
    meaning: 'United Internet (GMX, web.de, mail.com) refused the IP; the case code says why.',
    reason: 'blocked',
    block: 'private',
    links: [
      { label: 'GMX postmaster', url: 'https://postmaster.gmx.net/en/contact' },
      { label: 'web.de postmaster', url: 'https://postmaster.web.de/' },
    ],
  },
  {
    provider: 'GMX / web.de',
    re: /Nemesis ESMTP/,
    code: 'Nemesis',
    meaning: 'United Internet (GMX, web.de, mail.com) refused the connection.',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'GMX postmaster', url: 'https://postmaster.gmx.net/en/contact' }],
  },
  // --- Comcast ---
  {
    provider: 'Comcast',
    re: /\bBL00000[01]\b|\bBL0001[01]\b|\bBL0000[01][01]\b|\bBL000[01][01][01]\b/,
    code: '$0',
    meaning: 'Comcast block code (BL000000 Comcast\u2019s own list, BL000001 Spamhaus, BL000010 Cloudmark CSI, BL000100 SenderScore).',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'Comcast postmaster', url: 'https://postmaster.comcast.net/' }],
  },
  {
    provider: 'Comcast',
    re: /\bES0000(?:01|10)\b/,
    code: '$0',
    meaning: 'Comcast refuses residential/dynamic IP space.',
    reason: 'blocked',
    block: 'private',
  },
  {
    provider: 'Comcast',
    re: /\bCXDNS\b/,
    code: 'CXDNS',
    meaning: 'Cox/Comcast: no valid reverse DNS for the sending IP.',
    reason: 'requireptr',
    block: 'none',
  },
  // --- Cox, Spectrum ---
  { provider: 'Cox', re: /\bC(?:X|D)(?:BL|RBL)\b/, code: '$0', meaning: 'Cox\u2019s own temporary block list.', reason: 'blocked', block: 'private' },
  {
    provider: 'Cox',
    re: /\bIPBL\d{4}\b/,
    code: '$0',
    meaning: 'Cox refuses the IP because a public list names it (IPBL0001 Spamhaus, 0010 Return Path, 0100 Invaluement, 1000 Cloudmark).',
    reason: 'blocked',
    block: 'public',
  },
  // --- Orange / La Poste ---
  {
    provider: 'Orange',
    re: /\bOFR00[0-9]_[0-9]{3}\b|\bOFR_999\b/,
    code: '$0',
    meaning: 'Orange (France) refusal code; OFR006_102 is Cloudmark CSI\u2019s reputation block.',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'Cloudmark reset request', url: 'https://csi.cloudmark.com/reset-request/' }],
  },
  // "OFR_416 [416]" (invalid recipient), "OFR_417" (over quota): the reply's words say the reason.
  { provider: 'Orange', re: /\bOFR_[0-8][0-9]{2}\b/, code: '$0', meaning: 'Orange (France) refusal code for this recipient.', block: 'none' },
  { provider: 'La Poste', re: /\bLPN[0-9A-Z]{3}_[0-9]{3}\b/, code: '$0', meaning: 'La Poste refusal code.', reason: 'blocked', block: 'private' },
  // --- Apple iCloud ---
  {
    provider: 'Apple iCloud',
    re: /\[HME[0-9]\]/,
    code: '$0',
    meaning: 'iCloud refused a message that failed SPF and DKIM.',
    reason: 'authfailure',
    block: 'none',
  },
  {
    provider: 'Apple iCloud',
    re: /\[(?:CS0[1-9]|HM0[1-9])\]/,
    code: '$0',
    meaning: 'iCloud refused the message by local policy.',
    reason: 'policyviolation',
    block: 'none',
    links: [{ label: 'Apple postmaster information', url: 'https://support.apple.com/en-us/102322' }],
  },
  // --- Filtering services and appliances ---
  {
    provider: 'Proofpoint',
    re: /ipcheck\.proofpoint\.com|dnsbl-lookup\.cgi|proofpoint\.com\/dnsbl/i,
    code: 'PDR',
    meaning: 'Proofpoint Dynamic Reputation blocks the IP (a private, dynamic reputation list).',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'Proofpoint IP check and delist', url: 'https://ipcheck.proofpoint.com/' }],
  },
  {
    provider: 'Mimecast',
    re: /IP Temporarily Blacklisted/i,
    code: 'Mimecast-temp',
    meaning: 'Mimecast temporarily blocks the IP after too many invalid connections; it expires on its own.',
    reason: 'blocked',
    block: 'private',
  },
  {
    provider: 'Mimecast',
    re: /Poor Reputation Sender|Local CT IP Reputation/i,
    code: 'Mimecast',
    meaning: 'Mimecast refuses the IP on its reputation service.',
    reason: 'badreputation',
    block: 'reputation',
    links: [
      {
        label: 'Mimecast SMTP error codes',
        url: 'https://mimecastsupport.zendesk.com/hc/en-us/articles/34000709564691-Policies-Mimecast-SMTP-Error-Codes',
      },
    ],
  },
  {
    provider: 'Cisco Secure Email',
    re: /sending MTA'?s poor reputation/i,
    code: 'SBRS',
    meaning: 'A Cisco (IronPort) gateway refused the IP for its SenderBase/Talos reputation score.',
    reason: 'badreputation',
    block: 'reputation',
    links: [{ label: 'Cisco Talos reputation lookup', url: 'https://talosintelligence.com/reputation_center' }],
  },
  {
    provider: 'Barracuda',
    re: /blocked by our bulk email filter/i,
    code: 'bulk-filter',
    meaning: 'A Barracuda appliance classified the message content as bulk/spam.',
    reason: 'spamdetected',
    block: 'none',
  },
  {
    provider: 'Cloudmark',
    re: /csi\.cloudmark\.com/i,
    code: 'Cloudmark CSI',
    meaning: 'Cloudmark CSI (used by Orange, Comcast, Cox) rates the IP as a spam source.',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'Cloudmark reset request', url: 'https://csi.cloudmark.com/reset-request/' }],
  },
  {
    provider: 'AT&T',
    re: /DNSBL:ATTRBL/,
    code: 'ATTRBL',
    meaning: 'AT&T\u2019s own block list.',
    reason: 'blocked',
    block: 'private',
    links: [{ label: 'abuse_rbl@abuse-att.net', url: 'mailto:abuse_rbl@abuse-att.net' }],
  },
];

export interface ProviderMatch {
  readonly rule: ProviderRule;
  readonly code: string;
}

/**
 * One regex per flag set that matches wherever any rule would: most bounces carry no
 * provider code, and then one scan per set replaces a scan per rule.
 */
const ANY_RULE: readonly RegExp[] = [...new Set(PROVIDER_RULES.map((r) => r.re.flags))].map(
  (flags) =>
    new RegExp(
      PROVIDER_RULES.filter((r) => r.re.flags === flags)
        .map((r) => `(?:${r.re.source})`)
        .join('|'),
      flags,
    ),
);

/** Every provider rule matching the text, first (most specific) first; one per code. */
export function findProviderCodes(text: string): ProviderMatch[] {
  if (!ANY_RULE.some((re) => re.test(text))) return [];
  const out: ProviderMatch[] = [];
  const seen = new Set<string>();
  for (const rule of PROVIDER_RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    const code = rule.code === '$0' ? m[0].replace(/^\[|\]$/g, '') : rule.code === '$1' ? (m[1] ?? m[0]) : rule.code;
    if (seen.has(code) || out.some((o) => o.rule.provider === rule.provider && o.rule.block === rule.block && o.rule.reason === rule.reason))
      continue;
    seen.add(code);
    out.push({ rule, code });
  }
  return out;
}
