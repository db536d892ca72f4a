/**
 * Provider rules: how the big receivers word their refusals, keyed by who refused (the
 * remote host, or the recipient's domain, or the host that wrote the bounce). A rule
 * here is tried before the generic phrase table, because the same words mean different
 * things at different providers (Google's DNS error is `networkerror` when temporary and
 * `hostunknown` when permanent; Yahoo's "temporarily deferred" is about the sender).
 *
 * Facts from the providers' published error pages as collected in Sisimai's rhost tables
 * and the team's bounce taxonomy. Phrases are lower-case substrings of the server's words.
 *
 * Adding a provider: one entry with its host suffixes and rules, plus a fixture.
 */
import type { SmtpCommand } from './commands.js';
import type { Reason } from './types.js';

export interface RhostRule {
  readonly reason: Reason;
  /** Lower-case substring of the server's words; absent: the status/command alone decide. */
  readonly phrase?: string;
  /** Exact enhanced status ("5.7.509"), or with `range` a prefix ("5.7."). */
  readonly status?: string;
  /** Inclusive range of the status's last number ("5.7." + 606..649). */
  readonly range?: readonly [number, number];
  /** Compare status and reply without their class digit (4.7.0 also matches 5.7.0). */
  readonly anyClass?: boolean;
  /** Reply code the rule needs ("421"). */
  readonly reply?: string;
  /** Only for a temporary (4) or a permanent (5) failure. */
  readonly class?: '4' | '5';
  /** Only when the server refused this command. */
  readonly command?: SmtpCommand;
}

export interface CodeTable {
  /** Finds the provider's code in the server's words; group 1 is the code. */
  readonly pattern: RegExp;
  readonly reasons: Readonly<Record<string, Reason>>;
  /** Numeric ranges of codes: [from, to, reason]. */
  readonly ranges?: readonly (readonly [number, number, Reason])[];
  /** The reply code each code is documented with; a code seen with another reply says nothing. */
  readonly replyOf?: (code: string) => string;
  /** Tried after the provider's phrase rules instead of before them (Microsoft's order). */
  readonly afterRules?: boolean;
}

export interface Rhost {
  readonly id: string;
  /** Host name suffixes of the provider's servers (remote host or reporting host). */
  readonly hosts: readonly string[];
  readonly rules: readonly RhostRule[];
  readonly codes?: CodeTable;
}

const p = (reason: Reason, phrase: string, extra: Omit<RhostRule, 'reason' | 'phrase'> = {}): RhostRule => ({ reason, phrase, ...extra });

/**
 * Outlook.com postmaster codes, each valid only with the reply code it is documented with
 * (RP-00x: 421; SC, DY and OU: 550), and tried after Microsoft's own status + phrase rules.
 */
const OUTLOOK_CODES: CodeTable = {
  pattern: /\b(RP-00[123]|SC-00[1234]|DY-00[12]|OU-00[12])\b/,
  replyOf: (code) => (code.startsWith('RP-') ? '421' : '550'),
  afterRules: true,
  reasons: {
    'RP-001': 'badreputation',
    'RP-002': 'badreputation',
    'RP-003': 'badreputation',
    'SC-001': 'badreputation',
    'SC-002': 'policyviolation',
    'SC-003': 'blocked',
    'SC-004': 'blocked',
    'DY-001': 'blocked',
    'DY-002': 'virusdetected',
    'OU-001': 'blocked',
    'OU-002': 'badreputation',
  },
};

export const RHOSTS: readonly Rhost[] = [
  {
    id: 'aol',
    hosts: ['.mail.aol.com', '.mx.aol.com'],
    rules: [p('hostunknown', 'host or domain name not found'), p('notaccept', 'type=mx: malformed or unexpected name server reply')],
  },
  {
    id: 'apple',
    hosts: ['.mail.icloud.com', '.apple.com', '.me.com'],
    rules: [
      p('authfailure', 's dmarc policy'),
      p('authfailure', 'blocked for failing both spf and dkim'),
      p('blocked', 'rejected due to having a domain present in the spamhaus'),
      p('blocked', 'rejected due to listing in spamhaus'),
      p('blocked', 'blocked - see https://support.proofpoint.com/dnsbl-lookup'),
      p('blocked', 'not accepting connections'),
      p('hasmoved', 'recipient no longer on server'),
      p('mailboxfull', 'user is over quota'),
      p('norelaying', 'relay access denied'),
      p('notaccept', 'host/domain does not accept mail'),
      p('policyviolation', 'due to local policy'),
      p('rejected', 'sender address rejected'),
      p('speeding', 'due to excessive volume'),
      p('userunknown', 'inactive email address'),
      p('userunknown', 'user does not exist'),
      p('userunknown', 'unknown or illegal alias'),
    ],
  },
  {
    id: 'cloudflare',
    hosts: ['.mx.cloudflare.net'],
    // "Address does not exist" is left to the shared table, where the failed command decides
    // between userunknown and filtered.
    rules: [p('blocked', 'found on one or more dnsbls'), p('systemerror', 'upstream error')],
  },
  {
    id: 'cox',
    hosts: ['cox.net'],
    rules: [
      p('blocked', 'cox too many bad commands from'),
      p('blocked', 'too many invalid recipients'),
      p('requireptr', 'dns check failure - try again later'),
      p('requireptr', 'rejected - no rdns'),
      p('policyviolation', 'esmtp no data before greeting'),
      p('policyviolation', 'attachment extension is forbidden'),
      p('rejected', 'sender rejected'),
      p('systemerror', 'esmtp server temporarily not available'),
      p('toomanyconn', 'too many sessions from'),
      p('toomanyconn', 'requested action aborted: try again later'),
      p('toomanyconn', 'message threshold exceeded'),
      p('userunknown', 'recipient rejected'),
    ],
    codes: {
      pattern: /\bAUP#([A-Z]{2,8}\d{0,5})\b|\b(CXBL|CXDNS|CXSNDR|CXSMTP|CXCNCT|CXMXRT|CDRBL|CXTHRT|CXMJ|IPBL\d{4,5}|URLBL\d{3,4})\b/,
      reasons: {
        CXBL: 'blocked',
        CXDNS: 'requireptr',
        CXSNDR: 'authfailure',
        CXSMTP: 'rejected',
        CXCNCT: 'toomanyconn',
        CXMXRT: 'toomanyconn',
        CDRBL: 'blocked',
        CXTHRT: 'securityerror',
        CXMJ: 'securityerror',
      },
    },
  },
  {
    id: 'facebook',
    hosts: ['.facebook.com'],
    rules: [],
    codes: {
      pattern: /\b((?:POL|MSG|RCP|INT|DNS|CON)-[PT]\d)\b/,
      reasons: {
        'POL-P7': 'authfailure',
        'POL-P1': 'blocked',
        'POL-P2': 'blocked',
        'POL-P3': 'blocked',
        'POL-P4': 'blocked',
        'POL-T1': 'blocked',
        'POL-T2': 'blocked',
        'POL-T3': 'blocked',
        'MSG-P2': 'contenterror',
        'RCP-P2': 'filtered',
        'RCP-P3': 'filtered',
        'MSG-P1': 'mesgtoobig',
        'INT-P2': 'mesgtoobig',
        'MSG-P3': 'notcompliantrfc',
        'DNS-P1': 'rejected',
        'DNS-P2': 'rejected',
        'DNS-T1': 'rejected',
        'DNS-P3': 'requireptr',
        'DNS-T2': 'requireptr',
        'POL-P6': 'spamdetected',
        'RCP-T4': 'suspend',
        'RCP-T1': 'systemerror',
        'CON-T1': 'toomanyconn',
        'CON-T2': 'toomanyconn',
        'CON-T3': 'toomanyconn',
        'CON-T4': 'toomanyconn',
        'MSG-T1': 'toomanyconn',
        'RCP-P1': 'userunknown',
        'INT-P1': 'userunknown',
        'INT-P3': 'userunknown',
        'INT-P4': 'userunknown',
        'POL-P5': 'virusdetected',
      },
    },
  },
  {
    id: 'franceptt',
    hosts: ['.laposte.net', '.orange.fr', '.wanadoo.fr'],
    rules: [p('authfailure', 'spf/dns de votre nom de domaine')],
    codes: {
      // "OFR006_102", "LPN007_517", "LPNAAA_101", "OFR_999", "LPN416": the last three digits decide.
      pattern: /\b(?:LPNAAA|LPN|OFR|OUK)(?:[0-9]{0,3}[_-])?([0-9]{3})\b/i,
      reasons: {
        '101': 'blocked',
        '102': 'blocked',
        '103': 'blocked',
        '104': 'toomanyconn',
        '305': 'securityerror',
        '401': 'authfailure',
        '402': 'securityerror',
        '403': 'rejected',
        '405': 'rejected',
        '415': 'rejected',
        '416': 'userunknown',
        '417': 'mailboxfull',
        '420': 'suspend',
        '421': 'rejected',
        '426': 'suspend',
        '505': 'systemerror',
        '506': 'spamdetected',
        '510': 'blocked',
        '514': 'mesgtoobig',
        '517': 'authfailure',
        '630': 'policyviolation',
        '999': 'blocked',
      },
    },
  },
  {
    id: 'godaddy',
    hosts: ['smtp.secureserver.net', 'mailstore1.secureserver.net'],
    rules: [
      p('blocked', 'rbl reject'),
      p('blocked', 'www.spamhaus.org/query/bl?ip='),
      p('expired', 'has been in the queue too long'),
      p('expired', 'delivery timeout'),
      p('mailboxfull', 'account storage limit'),
      p('spamdetected', 'message rejected for spam or virus content'),
      p('suspend', 'account disabled'),
      p('systemerror', 'message is looping'),
      p('userunknown', 'recipient not found'),
      p('userunknown', 'account does not exist'),
    ],
    codes: {
      pattern: /\b(IB\d{3})\b/,
      reasons: {
        IB401: 'securityerror',
        IB501: 'notcompliantrfc',
        IB502: 'notcompliantrfc',
        IB506: 'rejected',
        IB508: 'authfailure',
        IB108: 'requireptr',
        IB212: 'spamdetected',
        IB705: 'virusdetected',
        IB605: 'toomanyconn',
        IB007: 'toomanyconn',
        IB101: 'speeding',
        IB110: 'blocked',
        IB111: 'blocked',
        IB112: 'blocked',
        IB113: 'blocked',
        IB504: 'speeding',
        IB510: 'speeding',
        IB607: 'speeding',
        IB103: 'badreputation',
        IB104: 'blocked',
        IB105: 'blocked',
        IB106: 'blocked',
      },
    },
  },
  {
    id: 'google',
    hosts: ['aspmx.l.google.com', 'gmail-smtp-in.l.google.com', '.google.com'],
    rules: [
      p('authfailure', 'the spf record of the sending domain', { status: '7.24', anyClass: true }),
      p('authfailure', 'senders to authenticate with either spf or dkim', { status: '7.26', anyClass: true }),
      p('authfailure', 'fails to pass spf checks for an spf record with a hard fail', { status: '7.26', anyClass: true }),
      p('authfailure', 'has an spf record with a hard fail policy', { status: '7.26', anyClass: true }),
      p('authfailure', "is not accepted due to domain's dmarc policy", { status: '7.26', anyClass: true }),
      p('authfailure', 'fails to pass authentication checks', { status: '7.1', anyClass: true }),
      p('authfailure', 'fails to pass authentication checks', { status: '7.26', anyClass: true }),
      p('authfailure', 'senders to authenticate with spf', { status: '7.27', anyClass: true }),
      // rblbot's own row: Sisimai's table has these words with 7.26 only, and its status table
      // reads 5.7.27 as null MX (notaccept), which would send the sender after the wrong fix.
      p('authfailure', 'senders to authenticate with either spf or dkim', { status: '7.27', anyClass: true }),
      p('authfailure', 'senders to authenticate their email with spf', { status: '7.27', anyClass: true }),
      p('authfailure', 'senders to authenticate their email with dkim', { status: '7.30', anyClass: true }),
      p('authfailure', 'senders to authenticate with dkim', { status: '7.30', anyClass: true }),
      p('authfailure', 'aligned with either the authenticated spf or dkim', { status: '7.32', anyClass: true }),
      p('authfailure', 'to add a dmarc record to ', { status: '7.40', anyClass: true }),
      p('badreputation', 'very low reputation of the sending ip address', { status: '7.0', anyClass: true }),
      p('badreputation', 'very low reputation of the sending domain', { status: '7.0', anyClass: true }),
      p('badreputation', 'due to the very low reputation of the sending ip address', { status: '7.1', anyClass: true }),
      p('badreputation', 'due to the very low reputation of the sending domain', { status: '7.1', anyClass: true }),
      p('blocked', 'ip not in whitelist for rcpt domain', { status: '7.0', anyClass: true }),
      p('blocked', 'try again later, closing connection.', { status: '7.0', anyClass: true }),
      p('blocked', 'empty helo/ehlo argument not allowed', { status: '5.4', anyClass: true }),
      p('blocked', 'helo/ehlo argument is invalid', { status: '5.4', anyClass: true }),
      p('blocked', 'an unusual rate of unsolicited mail', { status: '7.0', anyClass: true }),
      p('blocked', 'an unusual rate of mail', { status: '7.28', anyClass: true }),
      p('blocked', 'an unusual rate of unsolicited mail', { status: '7.1', anyClass: true }),
      p('blocked', 'an unusual rate of unsolicited mail', { status: '7.28', anyClass: true }),
      // Issue 13: the IP is in end-user space (PBL) or lacks a PTR; the fix is a smarthost.
      p('blocked', 'is not authorized to send email directly to our servers'),
      p('exceedlimit', "exceeded google's message size limits", { status: '2.3', anyClass: true }),
      p('exceedlimit', 'exceeds google\u2019s limit of limit attachments.', { status: '3.4', anyClass: true }),
      p('exceedlimit', "your message exceeded google's message header size limits", { status: '3.4', anyClass: true }),
      p('exceedlimit', 'bytes per individual header size', { status: '3.4', anyClass: true }),
      p('exceedlimit', "exceeds google's header name limit of", { status: '3.4', anyClass: true }),
      p('exceedlimit', "exceeds google's message header size limit", { status: '3.4', anyClass: true }),
      p('expired', 'connection expired', { status: '7.0', anyClass: true }),
      p('expired', 'timeout - closing connection', { status: '4.2', anyClass: true }),
      p('failedstarttls', 'must issue a starttls command first', { status: '7.0', anyClass: true }),
      p('failedstarttls', 'starttls may not be repeated', { status: '5.1', anyClass: true }),
      p('failedstarttls', 'tls required for rcpt domain', { status: '7.0', anyClass: true }),
      p('failedstarttls', 'senders to use tls/ssl for smtp', { status: '7.29', anyClass: true }),
      p('mailboxfull', 'inbox is out of storage space', { status: '2.2', anyClass: true }),
      p('mailboxfull', 'is over quota', { status: '2.2', anyClass: true }),
      p('mailboxfull', 'email quota exceeded', { status: '7.1', anyClass: true }),
      p('mesgtoobig', "exceeded google's message size limits", { status: '3.4', anyClass: true }),
      p('mesgtoobig', "exceeds google's message size limit of", { status: '3.4', anyClass: true }),
      p('networkerror', 'message exceeded 50 hops', { status: '4.6', anyClass: true }),
      p('networkerror', 'message exceeded 50 hops', { status: '6.0', anyClass: true }),
      p('norelaying', 'mail relay denied', { status: '7.0', anyClass: true }),
      p('norelaying', 'invalid credentials for relay', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'missing a valid address in the from: header', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'multiple addresses in from: header are not accepted', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'is not rfc 5322 compliant', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'missing a valid message-id: header', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'contains a unicode character in a disallowed header', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'encoded-word syntax is not permitted', { status: '7.1', anyClass: true }),
      p('notcompliantrfc', 'mail message is malformed', { status: '6.0', anyClass: true }),
      // The sender's address is malformed (5.1.7); the same words about the recipient (5.1.3) are userunknown.
      p('notcompliantrfc', 'is not a valid rfc 5321 address', { status: '1.7', anyClass: true }),
      p('policyviolation', 'illegal attachment on your message', { status: '7.0', anyClass: true }),
      p('policyviolation', 'blocked because its content presents a potential security issue', { status: '7.0', anyClass: true }),
      p('policyviolation', 'you are sending to (or from) has a policy that prohibited', { status: '7.1', anyClass: true }),
      p('policyviolation', 'sending messages with the same message-id:', { status: '7.28', anyClass: true }),
      p('rejected', 'mail sending denied', { status: '7.0', anyClass: true }),
      p('rejected', 'unauthenticated email is not accepted', { status: '7.1', anyClass: true }),
      p('requireptr', 'does not have a ptr record', { status: '7.0', anyClass: true }),
      p('requireptr', ' have a ptr record, or the ptr record', { status: '7.23', anyClass: true }),
      p('requireptr', 'does not meet ipv6 sending guidelines regarding ptr records and authentication', { status: '7.1', anyClass: true }),
      p('requireptr', 'does not have a ptr record', { status: '7.25', anyClass: true }),
      p('requireptr', 'does not match the ip address of the hostname', { status: '7.25', anyClass: true }),
      p('securityerror', 'too many login attempts', { status: '7.0', anyClass: true }),
      p('securityerror', 'authentication required.', { status: '7.0', anyClass: true }),
      p('securityerror', 'application-specific password required', { status: '7.1', anyClass: true }),
      p('securityerror', 'application-specific password required', { status: '7.9', anyClass: true }),
      p('securityerror', 'cannot decode response', { status: '5.2', anyClass: true }),
      p('securityerror', 'no identity changes permitted', { status: '7.0', anyClass: true }),
      p('securityerror', 'please log in with your web browser', { status: '7.1', anyClass: true }),
      p('securityerror', 'please log in with your web browser', { status: '7.9', anyClass: true }),
      p('securityerror', 'please log in through your web browser', { status: '7.14', anyClass: true }),
      p('securityerror', 'username and password not accepted', { status: '7.1', anyClass: true }),
      p('securityerror', 'username and password not accepted', { status: '7.8', anyClass: true }),
      p('spamdetected', 'due to the nature of the content or the links within', { status: '7.0', anyClass: true }),
      p('spamdetected', 'likely unsolicited mail', { status: '7.1', anyClass: true }),
      p('speeding', 'is receiving mail too quickly', { status: '2.1', anyClass: true }),
      p('speeding', 'peak smtp relay limit exceeded for customer', { status: '2.1', anyClass: true }),
      p('speeding', 'rate that prevents additional messages from being delivered', { status: '2.1', anyClass: true }),
      p('speeding', 'daily sending quota exceeded', { status: '4.5', anyClass: true }),
      p('speeding', 'daily user sending limit exceeded', { status: '4.5', anyClass: true }),
      p('speeding', 'daily smtp relay limit exceeded for', { status: '4.5', anyClass: true }),
      p('speeding', 'daily smtp relay limit exceeded for', { status: '7.1', anyClass: true }),
      p('speeding', 'this mail has been rate limited', { status: '7.1', anyClass: true }),
      p('speeding', 'daily smtp relay sending limit exceeded for', { status: '7.1', anyClass: true }),
      p('suspend', 'account that you tried to reach is disabled', { status: '2.1', anyClass: true }),
      p('suspend', 'account that you tried to reach is inactive', { status: '2.1', anyClass: true }),
      p('syntaxerror', 'smtp protocol violation', { status: '5.0', anyClass: true }),
      p('syntaxerror', 'syntax error', { status: '5.2', anyClass: true }),
      p('syntaxerror', 'bad sequence of commands', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'unrecognized command', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'smtp protocol violation', { status: '7.10', anyClass: true }),
      p('syntaxerror', 'optional argument not permitted', { status: '5.4', anyClass: true }),
      p('syntaxerror', 'syntax error', { status: '7.11', anyClass: true }),
      p('syntaxerror', 'too many unrecognized commands, goodbye', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'unimplemented command', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'ehlo/helo first', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'mail first', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'rcpt first', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'no data after bdat', { status: '5.1', anyClass: true }),
      p('syntaxerror', 'unrecognized authentication type', { status: '7.4', anyClass: true }),
      p('syntaxerror', 'xoauth is no longer supported', { status: '7.4', anyClass: true }),
      p('syntaxerror', 'too many unauthenticated commands', { status: '7.0', anyClass: true }),
      p('systemerror', 'temporary system problem', { status: '3.0', anyClass: true }),
      p('systemerror', 'temporary system problem', { status: '7.0', anyClass: true }),
      p('systemerror', 'server busy', { status: '4.5', anyClass: true }),
      p('systemerror', 'multiple destination domains per transaction is unsupported', { status: '3.0', anyClass: true }),
      p('systemerror', 'mail server has temporarily rejected this message', { status: '3.0', anyClass: true }),
      p('systemerror', 'mail server temporarily rejected message', { status: '3.0', anyClass: true }),
      p('systemerror', 'domain policy size per transaction exceeded', { status: '5.3', anyClass: true }),
      p('systemerror', 'cannot authenticate due to temporary system problem', { status: '7.0', anyClass: true }),
      p('toomanyconn', 'your message has too many recipients', { status: '5.3', anyClass: true }),
      p('toomanyconn', 'too many recipients for this sender', { status: '5.3', anyClass: true }),
      p('userunknown', 'the email account that you tried to reach does not exist', { status: '1.1', anyClass: true }),
      p('userunknown', "we weren't able to find the recipient domain", { status: '1.2', anyClass: true }),
      p('userunknown', 'is not a valid rfc 5321 address', { status: '1.3', anyClass: true }),
    ],
  },
  {
    // Google Workspace / Gmail as the writer of the bounce: its DNS and null-MX texts.
    id: 'gsuite',
    hosts: ['googlemail.com'],
    rules: [
      p('hostunknown', ' responded with code nxdomain', { class: '5' }),
      p('hostunknown', 'domain name not found', { class: '5' }),
      p('networkerror', ' had no relevant answers.', { class: '4' }),
      p('networkerror', 'responded with code nxdomain', { class: '4' }),
      p('networkerror', 'domain name not found', { class: '4' }),
      p('notaccept', 'null mx'),
      p('userunknown', "because the address couldn't be found. check for typos or unnecessary spaces and try again."),
    ],
  },
  {
    id: 'iua',
    hosts: ['.email.ua'],
    rules: [],
    codes: {
      pattern: /\.i\.ua\/err\/(\d{1,2})\//i,
      reasons: {
        '1': 'norelaying',
        '2': 'userunknown',
        '3': 'suspend',
        '4': 'mailboxfull',
        '5': 'toomanyconn',
        '6': 'norelaying',
        '7': 'blocked',
        '8': 'rejected',
        '9': 'blocked',
        '10': 'filtered',
      },
    },
  },
  {
    id: 'kddi',
    hosts: ['.ezweb.ne.jp', 'msmx.au.com'],
    rules: [p('filtered', '550 : user unknown'), p('userunknown', '>: user unknown')],
  },
  {
    id: 'messagelabs',
    hosts: ['.messagelabs.com'],
    rules: [
      p('authfailure', 'domain authentication fail'),
      p('badreputation', 'connection rejected by policy'),
      p('blocked', 'mail rejected because your ip is in the pbl'),
      p('blocked', 'your ip address has been '),
      p('contenterror', 'stray linefeeds in message'),
      p('failedstarttls', 'tls/sslv3 connection required'),
      p('norelaying', ' as a relay, '),
      p('notcompliantrfc', '550 requested action aborted [4]'),
      p('notcompliantrfc', 'has detected that this message is not rfc 5322'),
      p('rejected', 'sender envelope domain not allowed for sender ip address'),
      p('rejected', 'your domain has been blocked'),
      p('rejected', 'your email address has been blocked'),
      p('rejected', 'your envelope sender is in my badmailfrom list'),
      p('rejected', 'your email address has been blacklisted'),
      p('rejected', 'your domain has been blacklisted'),
      p('securityerror', 'please turn on smtp authentication in your mail client'),
      p('spamdetected', 'message filtered'),
      p('spamdetected', 'filtered by outbound scanning'),
      p('toomanyconn', 'too many recipients received this hour'),
      p('toomanyconn', 'too many messages'),
      p('userunknown', 'no such user'),
      p('userunknown', 'invalid recipient'),
      p('userunknown', 'mailbox is not allowed'),
    ],
  },
  {
    id: 'microsoft',
    hosts: ['.prod.outlook.com', '.protection.outlook.com', '.onmicrosoft.com', '.exchangelabs.com'],
    rules: [
      p('authfailure', 'must pass either spf or dkim validation, this message is not signed', { status: '4.7.26' }),
      p('authfailure', 'the message was rejected because of sender policy framework violation', { status: '5.7.23' }),
      p('authfailure', 'does not pass dmarc verification', { status: '5.7.509' }),
      p('authfailure', "doesn't meet the required authentication level", { status: '5.7.515' }),
      p('badreputation', 'has been temporarily rate limited due to ip reputation', { status: '4.7.650' }),
      p('blocked', 'connection dropped', { status: '4.4.2' }),
      p('blocked', 'access denied, please try again later', { status: '4.7.', range: [850, 899] }),
      p('blocked', 'must have a reverse dns record', { status: '5.7.25' }),
      p('blocked', 'access denied, bad helo', { status: '5.7.506' }),
      p('blocked', 'access denied, rejected by recipient', { status: '5.7.507' }),
      p('blocked', 'does not accept email over ipv6', { status: '5.7.510' }),
      p('blocked', 'access denied, banned sender', { status: '5.7.511' }),
      p('blocked', 'using customer block list', { status: '5.7.513' }),
      p('blocked', 'access denied, banned sending ip ', { status: '5.7.', range: [606, 649] }),
      p('blocked', 'access denied, please try again later', { status: '4.7.', range: [500, 699] }),
      p('blocked', 'invalid domain name', { status: '5.5.4' }),
      p('blocked', 'part of their network is on our block list (s3150)', { status: '5.7.1' }),
      // The sender's own tenant forbids automatic forwarding outside it (outbound spam policy).
      p('policyviolation', 'does not allow external forwarding', { status: '5.7.520' }),
      p('contenterror', 'too many related errors', { status: '5.3.0' }),
      p('contenterror', 'invalid characters', { status: '5.6.11' }),
      p('contenterror', 'agent generated message depth exceeded', { status: '5.4.11' }),
      p('contenterror', 'invalid message content', { status: '5.5.6' }),
      p('exceedlimit', 'resolver.rst.recipsizelimit; message too large for this recipient', { status: '5.2.3' }),
      p('mesgtoobig', 'message size exceeds fixed maximum message size', { status: '5.3.4' }),
      p('mesgtoobig', 'message too big for system', { status: '5.3.4' }),
      p('expired', 'connection timed out', { status: '4.4.1' }),
      p('expired', 'message delayed', { status: '4.4.7' }),
      p('expired', 'queue expired; message expired', { status: '4.4.7' }),
      p('expired', 'message expired', { status: '4.4.7' }),
      p('expired', 'message expired', { status: '5.4.300' }),
      p('expired', 'message expired', { status: '5.4.316' }),
      p('failedstarttls', ' failed mta-sts validation', { status: '4.4.8' }),
      p('failedstarttls', ' failed mta-sts validation', { status: '5.4.8' }),
      p('failedstarttls', 'starttls is required to send mail', { status: '4.4.317' }),
      p('failedstarttls', 'starttls is required to send mail', { status: '5.4.317' }),
      p('failedstarttls', 'remote certificate failed mta-sts validation', { status: '4.7.5' }),
      p('failedstarttls', 'remote certificate failed mta-sts validation', { status: '5.7.5' }),
      p('failedstarttls', 'restrictdomainstoipaddresses or restrictdomainstocertificate', { status: '5.7.51' }),
      p('failedstarttls', 'starttls-not-supported:', { status: '4.7.321' }),
      p('failedstarttls', 'starttls-not-supported:', { status: '5.7.321' }),
      p('failedstarttls', 'certificate-expired:', { status: '5.7.322' }),
      p('failedstarttls', 'tlsa-invalid:', { status: '4.7.323' }),
      p('failedstarttls', 'tlsa-invalid:', { status: '5.7.323' }),
      p('failedstarttls', 'dnssec-invalid:', { status: '4.7.324' }),
      p('failedstarttls', 'dnssec-invalid:', { status: '5.7.324' }),
      p('failedstarttls', 'certificate-host-mismatch:', { status: '4.7.325' }),
      p('failedstarttls', 'certificate-host-mismatch:', { status: '5.7.325' }),
      p('mailboxfull', 'mailbox full', { status: '5.2.2' }),
      p('networkerror', 'smtpsend.dns.nonexistentdomain; nonexistent domain', { status: '5.4.4' }),
      p('networkerror', 'hop count exceeded - possible mail loop', { status: '5.4.6' }),
      p('networkerror', 'dns query failed', { status: '4.4.312' }),
      p('networkerror', 'dns query failed', { status: '5.4.312' }),
      p('networkerror', 'connection refused', { status: '4.4.316' }),
      p('networkerror', 'connection refused', { status: '5.4.316' }),
      p('networkerror', 'invalid arguments', { status: '5.4.4' }),
      p('networkerror', 'routing loop detected', { status: '5.4.6' }),
      p('networkerror', 'routing loop detected', { status: '5.4.14' }),
      p('norelaying', 'unable to relay', { status: '5.7.1' }),
      p('norelaying', 'client was not authenticated', { status: '5.7.1' }),
      p('norelaying', 'relay access denied', { status: '5.4.1' }),
      p('norelaying', 'tenantattribution; relay access denied', { status: '5.7.64' }),
      p('norelaying', 'does not exist', { status: '5.4.310' }),
      p('notaccept', 'system not accepting network messages', { status: '4.3.2' }),
      p('notaccept', 'hosted tenant which has no mail-enabled subscriptions', { status: '4.4.4' }),
      p('notaccept', 'storedrv.deliver: missing or bad storedriver mdb properties', { status: '5.3.2' }),
      p('policyviolation', 'x-dg-ref header is too long', { status: '5.0.350' }),
      p('policyviolation', 'requested action not taken: policy violation detected (as345)', { status: '5.0.350' }),
      p('policyviolation', 'delivery not authorized, message refused', { status: '5.7.', range: [900, 999] }),
      p('rejected', 'invalid address', { status: '5.1.7' }),
      p('rejected', 'unknown sender address', { status: '5.1.7' }),
      p('rejected', 'sender denied', { status: '5.1.0' }),
      p('rejected', 'access denied, bad outbound sender', { status: '5.1.8' }),
      p('rejected', 'delivery not authorized', { status: '5.7.1' }),
      p('rejected', 'sender was not authenticated by organization', { status: '5.7.12' }),
      p('rejected', 'sender not in allowed-senders list', { status: '5.7.124' }),
      p('rejected', 'sender not authenticated for group', { status: '5.7.133' }),
      p('rejected', 'sender was not authenticated for mailbox', { status: '5.7.134' }),
      p('rejected', 'sender was not authenticated for public folder', { status: '5.7.13' }),
      p('rejected', 'sender was not authenticated for public folder', { status: '5.7.135' }),
      p('rejected', 'sender was not authenticated', { status: '5.7.136' }),
      p('rejected', 'access denied, spam abuse detected', { status: '5.7.', range: [501, 503] }),
      p('rejected', 'access denied, message must be rfc 5322 section 3.6.2 compliant', { status: '5.7.512' }),
      p('rejected', 'service unavailable. client blocked from sending from unregistered domains', { status: '5.7.750' }),
      p('rejected', 'access denied, banned sender', { status: '5.7.', range: [501, 503] }),
      p('securityerror', 'cannot achieve exchange server authentication', { status: '5.7.3' }),
      p('securityerror', 'not authorized', { status: '5.7.3' }),
      p('securityerror', 'client was not authenticated', { status: '5.7.1' }),
      p('securityerror', 'client was not authenticated to send anonymous mail during mail from', { status: '5.7.57' }),
      p('spamdetected', 'content filter agent quarantined this message', { status: '5.2.1' }),
      p('speeding', 'too many recipients', { status: '5.5.3' }),
      p('speeding', 'storedrv.deliver; recipient thread limit exceeded', { status: '4.3.2' }),
      p('speeding', 'too many recipients', { status: '4.5.3' }),
      p('speeding', 'has exceeded the maximum number of connections', { status: '4.7.652' }),
      p('speeding', 'reached your daily limit for message recipients', { status: '5.1.90' }),
      p('speeding', 'submission quota exceeded', { status: '5.2.2' }),
      p('speeding', "recipient's per hour message receive limit", { status: '5.2.121' }),
      p('speeding', "recipient's per hour message receive limit", { status: '5.2.122' }),
      p('speeding', 'the recipient has exceeded their limit for', { status: '5.2.122' }),
      p('speeding', 'has exceeded permitted limits within', { status: '5.7.508' }),
      p('speeding', 'tenant has exceeded threshold', { status: '5.7.', range: [700, 749] }),
      p('speeding', 'traffic not accepted from this ip', { status: '5.7.', range: [700, 749] }),
      p('suspend', 'recipient address rejected: access denied', { status: '5.7.504' }),
      p('suspend', 'access denied, banned recipient', { status: '5.7.505' }),
      p('suspend', 'mailbox cannot be accessed', { status: '5.2.1' }),
      p('syntaxerror', 'unrecognized command', { status: '5.3.3' }),
      p('syntaxerror', 'send hello first', { status: '5.5.2' }),
      p('systemerror', 'service not available', { status: '4.3.2' }),
      p('systemerror', 'service not active', { status: '4.3.2' }),
      p('systemerror', 'system incorrectly configured', { status: '5.3.5' }),
      p('systemerror', 'when journaling archive is disabled', { status: '5.3.190' }),
      p('systemerror', 'helo / ehlo requires domain address', { status: '5.0.0' }),
      p('systemerror', 'destination mailbox address ambiguous', { status: '5.1.4' }),
      p('systemerror', 'mailing list expansion problem', { status: '5.2.4' }),
      p('systemerror', 'misconfigured forwarding address', { status: '5.2.14' }),
      p('systemerror', 'message failed to be replicated:', { status: '4.4.', range: [22, 28] }),
      p('systemerror', 'temporary server error. please try again later attr18', { status: '4.4.3' }),
      p('systemerror', 'temporary server error. please try again later. prx4 nexthop:', { status: '4.7.0' }),
      p('systemerror', '(suspiciousremoteservererror)', { status: '4.4.318' }),
      p('systemerror', '(suspiciousremoteservererror)', { status: '5.4.318' }),
      p('systemerror', 'server busy. please try again later from ', { status: '4.7.500' }),
      p('systemerror', 'pfa agent busy, please try again.', { status: '4.7.700' }),
      p('systemfull', 'insufficient system resources', { status: '4.3.1' }),
      p('userunknown', 'resolver.adr.exrecipnotfound; not found', { status: '5.1.1' }),
      p('userunknown', 'user unknown', { status: '5.1.1' }),
      p('userunknown', 'storedrv.submit; invalid recipient address', { status: '5.1.3' }),
      p('userunknown', 'recipient address reserved by rfc 2606', { status: '5.1.', range: [4, 5] }),
      p('userunknown', 'recipient addresses in single label domains not accepted', { status: '5.1.6' }),
      p('userunknown', 'bad destination mailbox address', { status: '5.1.1' }),
      p('userunknown', 'recipient not found', { status: '5.1.10' }),
      p('userunknown', 'recipient address rejected: access denied', { status: '5.4.1' }),
      p('userunknown', 'requested action not taken: mailbox unavailable', { status: '5.5.0' }),
      p('userunknown', 'invalid x.400 address', { status: '5.1.2' }),
      p('userunknown', 'remote server returned unknown recipient or mailbox unavailable', { status: '5.1.351' }),
    ],
    codes: OUTLOOK_CODES,
  },
  {
    id: 'mimecast',
    hosts: ['.mimecast.com'],
    rules: [
      p('authfailure', 'spf sender invalid - envelope rejected', { reply: '550' }),
      p('authfailure', 'dkim sender invalid - envelope rejected', { reply: '550' }),
      p('authfailure', 'dmarc sender invalid - envelope rejected', { reply: '550' }),
      p('badreputation', 'internal resources are temporarily unavailable', { reply: '451' }),
      p('badreputation', 'local ct ip reputation - (reject)', { reply: '550' }),
      p('blocked', 'sender address blocked', { reply: '421' }),
      p('blocked', 'recipient temporarily unavailable', { reply: '451' }),
      p('blocked', 'ip temporarily blacklisted', { reply: '451' }),
      p('expired', 'journal messages past the expiration', { reply: '550' }),
      p('failedstarttls', 'this route requires encryption (tls)', { reply: '553' }),
      p('failedstarttls', 'this route requires tls version 1.2 or greater', { reply: '553' }),
      p('failedstarttls', 'this route requires high-strength ciphers', { reply: '553' }),
      p('failedstarttls', 'configuration is invalid for this certificate', { reply: '554' }),
      p('mesgtoobig', 'maximum email size exceeded', { reply: '554' }),
      p('networkerror', 'the incorrect hostname used for inbounds'),
      p('networkerror', 'mail loop detected', { reply: '554' }),
      p('norelaying', 'open relay not allowed', { reply: '451' }),
      p('norelaying', 'open relay is not allowed', { reply: '451' }),
      p('notaccept', 'account inbounds disabled', { reply: '451' }),
      p('onhold', 'account outbounds disabled', { reply: '451' }),
      p('onhold', 'hostname is not authorized', { reply: '451' }),
      p('onhold', 'journal message past expiration', { reply: '550' }),
      p('policyviolation', 'anti-spoofing policy - inbound not allowed', { reply: '550' }),
      p('policyviolation', 'rejected by header-based anti-spoofing policy', { reply: '550' }),
      p('policyviolation', 'message bounced due to content examination policy'),
      p('policyviolation', 'host network not allowed', { reply: '554' }),
      p('policyviolation', 'host network, not allowed', { reply: '554' }),
      p('rejected', 'administrative prohibition envelope blocked', { reply: '550' }),
      p('rejected', 'envelope blocked - user entry', { reply: '550' }),
      p('rejected', 'envelope blocked - user domain entry', { reply: '550' }),
      p('rejected', 'rejected by header-based manually blocked senders - block for manual block', { reply: '550' }),
      p('rejected', 'rejected by header-based blocked senders - block policy for header from', { reply: '550' }),
      p('rejected', 'envelope rejected - block policy for envelope from address', { reply: '550' }),
      p('securityerror', 'incorrect authentication data', { reply: '535' }),
      p('securityerror', 'submitter failed to disabled', { reply: '550' }),
      p('securityerror', 'submitter failed to authenticate', { reply: '550' }),
      p('systemerror', 'unable to process connection at this time', { reply: '451' }),
      p('systemerror', 'message ended early', { reply: '451' }),
      p('systemerror', 'unable to process command', { reply: '451' }),
      p('systemerror', 'unable to process an email at this time', { reply: '451' }),
      p('toomanyconn', 'account service is temporarily unavailable', { reply: '451' }),
      p('toomanyconn', 'too many recipients', { reply: '452' }),
      p('toomanyconn', 'exceeding outbound thread limit', { reply: '550' }),
      p('userunknown', 'invalid address', { reply: '501' }),
      p('userunknown', 'user unknown', { reply: '503' }),
      p('userunknown', 'invalid recipient', { reply: '550' }),
      p('virusdetected', 'email rejected due to security policies', { reply: '554' }),
      p('virusdetected', 'message contains a virus', { reply: '554' }),
      p('virusdetected', 'message contains an unacceptable file type', { reply: '554' }),
    ],
  },
  {
    id: 'nttdocomo',
    hosts: ['mfsmax.docomo.ne.jp'],
    rules: [
      { reason: 'userunknown', status: '5.1.1' },
      { reason: 'userunknown', status: '5.0.911' },
      { reason: 'filtered', status: '5.2.0' },
      p('mailboxfull', '552 too much mail data'),
      p('syntaxerror', '503 bad sequence of commands'),
      p('syntaxerror', '504 command parameter not implemented'),
      p('toomanyconn', '552 too many recipients'),
      p('userunknown', '550 unknown user'),
      { reason: 'userunknown', status: '5.0.0', command: 'RCPT' },
      { reason: 'rejected', status: '5.0.0', command: 'DATA' },
    ],
  },
  {
    id: 'outlook',
    hosts: ['.hotmail.com'],
    codes: OUTLOOK_CODES,
    rules: [
      p('hostunknown', 'the mail could not be delivered to the recipient because the domain is not reachable'),
      p('userunknown', 'requested action not taken: mailbox unavailable'),
    ],
  },
  {
    id: 'spectrum',
    hosts: ['charter.net'],
    rules: [],
    codes: {
      pattern: /AUP#[A-Z-]{0,4}(\d{4})\b/,
      reasons: { '1000': 'blocked', '1010': 'rejected', '1090': 'systemerror', '1260': 'networkerror' },
      ranges: [
        [1020, 1080, 'rejected'],
        [1100, 1150, 'requireptr'],
        [1160, 1190, 'policyviolation'],
        [1200, 1210, 'blocked'],
        [1220, 1250, 'blocked'],
        [1300, 1340, 'toomanyconn'],
        [1350, 1490, 'speeding'],
        [1500, 1500, 'rejected'],
        [1520, 1520, 'rejected'],
        [1530, 1530, 'mesgtoobig'],
        [1540, 1550, 'speeding'],
        [1560, 1560, 'policyviolation'],
        [1580, 1580, 'speeding'],
      ],
    },
  },
  {
    id: 'tencent',
    hosts: ['.qq.com'],
    rules: [
      p('authfailure', 'spf check failed'),
      p('authfailure', 'dmarc check failed'),
      p('blocked', 'suspected bounce attacks'),
      p('blocked', 'suspected spam ip'),
      p('blocked', 'connection denied'),
      p('mesgtoobig', 'message too large'),
      p('rejected', 'suspected spam'),
      p('rejected', 'mail is rejected by recipients'),
      p('spamdetected', 'spam is embedded in the email'),
      p('spamdetected', 'mail content denied'),
      p('speeding', 'mailbox unavailable or access denined'),
      p('speeding', 'frequency of receiving messages is limited'),
      p('suspend', 'is a deactivated mailbox'),
      p('syntaxerror', 'bad address syntax'),
      p('toomanyconn', 'ip frequency limited'),
      p('toomanyconn', 'domain frequency limited'),
      p('toomanyconn', 'sender frequency limited'),
      p('toomanyconn', 'connection frequency limited'),
      p('userunknown', 'mailbox not found'),
    ],
  },
  {
    id: 'yahooinc',
    hosts: ['.yahoodns.net'],
    rules: [
      p('authfailure', 'yahoo requires all senders to authenticate with either spf or dkim'),
      p('blocked', " because the ip is in spamhaus's list;"),
      p('blocked', 'not accepted from ip addresses on spamhaus xbl'),
      p('norelaying', 'relaying denied for '),
      p('notcompliantrfc', 'headers are not rfc compliant'),
      p('policyviolation', 'not accepted for policy reasons'),
      p('rejected', 'temporarily deferred due to unexpected volume or user complaints'),
      p('rejected', 'due to unresolvable rfc.5321 domain'),
      // Yahoo's own wording of the same deferral (the rule above misses its "from").
      p('rejected', 'due to unresolvable rfc.5321 from domain'),
      p('rejected', ' will be permanently deferred'),
      p('speeding', 'user is receiving mail too quickly'),
      p('suspend', ' is no longer valid.'),
      p('suspend', 'this mailbox is disabled'),
      p('syntaxerror', 'syntax error in parameters or arguments'),
      p('toomanyconn', 'max message per connection reached'),
      p('userunknown', "dd this user doesn't have a "),
      p('userunknown', 'mailbox not found'),
    ],
  },
  {
    id: 'zoho',
    hosts: ['.zoho.com', '.zohomail.com'],
    rules: [
      p('authfailure', 'email rejected per dmarc policy'),
      p('blocked', 'greylisted, try again after some time'),
      p('rejected', 'email cannot be delivered. reason: email flagged as spam'),
      p('rejected', 'mail rejected by destination domain'),
      p('policyviolation', 'email policy violation detected'),
      p('policyviolation', 'mailbox delivery restricted by policy error'),
      p('systemerror', 'temporary system error'),
      p('userunknown', 'user does not exist'),
      p('virusdetected', ' detected by zoho mail'),
    ],
  },
];

/** Recipient domains of the providers (a domain is the provider's when one of its host suffixes ends with it). */
function byDomain(domain: string): Rhost | null {
  if (!domain) return null;
  for (const r of RHOSTS) if (r.hosts.some((h) => h.endsWith(domain))) return r;
  return null;
}

function byHost(host: string): Rhost | null {
  if (!host) return null;
  for (const r of RHOSTS) if (r.hosts.some((h) => host.endsWith(h) || host === h.replace(/^\./, ''))) return r;
  return null;
}

/** The provider whose rules apply: recipient domain first, then the refusing host, then the bounce's writer. */
export function findRhost(recipientDomain: string | null, remoteHost: string | null, reportingHost: string | null): Rhost | null {
  return byDomain(recipientDomain ?? '') ?? byHost(remoteHost ?? '') ?? byHost(reportingHost ?? '');
}

export interface RhostFacts {
  /** Lower-cased server words. */
  readonly lower: string;
  /** The server words as written (provider codes are case-sensitive). */
  readonly text: string;
  readonly status: string | null;
  readonly reply: number | null;
  readonly command: SmtpCommand | null;
}

function ruleMatches(rule: RhostRule, f: RhostFacts): boolean {
  if (rule.phrase && !f.lower.includes(rule.phrase)) return false;
  const status = f.status ?? '';
  if (rule.status) {
    if (rule.anyClass) {
      if (status.slice(2) !== rule.status) return false;
    } else if (rule.range) {
      if (!status.startsWith(rule.status)) return false;
      const last = Number(status.slice(rule.status.length));
      if (!(last >= rule.range[0] && last <= rule.range[1])) return false;
    } else if (status !== rule.status) return false;
  }
  if (rule.reply && String(f.reply ?? '') !== rule.reply) return false;
  if (rule.class) {
    const classes = [status[0], f.reply === null ? undefined : String(f.reply)[0]];
    if (rule.class === '5' && !(classes[0] === '5' && classes[1] === '5')) return false;
    if (rule.class === '4' && classes.includes('5')) return false;
  }
  if (rule.command && f.command !== rule.command) return false;
  return true;
}

function codeReason(table: CodeTable, text: string, reply: number | null): Reason | null {
  const m = table.pattern.exec(text);
  const code = m?.slice(1).find((g) => g !== undefined);
  if (!code) return null;
  if (table.replyOf && table.replyOf(code) !== String(reply ?? '')) return null;
  const direct = table.reasons[code] ?? table.reasons[code.toUpperCase()];
  if (direct) return direct;
  const n = Number(code);
  if (Number.isFinite(n)) for (const [from, to, reason] of table.ranges ?? []) if (n >= from && n <= to) return reason;
  // Cox "IPBL…" and "URLBL…": every list code is a block of the IP or of a URL in the message.
  if (/^IPBL/.test(code)) return 'blocked';
  if (/^URLBL/.test(code)) return 'spamdetected';
  return null;
}

/** The provider's reading of the failure, or null when its rules do not know the words. */
export function rhostReason(rhost: Rhost, f: RhostFacts): Reason | null {
  if (!f.lower) return null;
  const codes = rhost.codes;
  if (codes && !codes.afterRules) {
    const r = codeReason(codes, f.text, f.reply);
    if (r) return r;
  }
  for (const rule of rhost.rules) if (ruleMatches(rule, f)) return rule.reason;
  return codes?.afterRules ? codeReason(codes, f.text, f.reply) : null;
}
