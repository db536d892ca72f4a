/**
 * The reason table: one record per reason in Sisimai's vocabulary, with the phrases that
 * say it (lower-case substrings of the server's words), the phrase sequences that say it
 * ("mailbox " … "full": each part found after the previous one), the phrases that rule it
 * out, and what it means for a person. `phrases` and `pairs` are Sisimai's published lists
 * (lib/sisimai/reason/*, as of go-sisimai v5); `extra` and `extraPairs` are rblbot's own
 * wording (providers' pages, the team's taxonomy), read only where Sisimai's lists leave
 * the reason open; `overrides` are the few own phrases that decide even against Sisimai's
 * order, each with why. The decision order lives in classify.ts (PROBE_ORDER, PHRASE_ORDER).
 *
 * Adding a phrase: put it (lower case, as short as still unambiguous) in `extra` of its
 * reason, and add a fixture or a phrase-agreement case that shows it.
 */
import type { Reason } from './types.js';

/** Groups of reasons a person acts on the same way (used for "family" accuracy). */
export type Family = 'recipient' | 'destination' | 'block' | 'sender' | 'content' | 'notfailure' | 'unknown';

export interface ReasonRecord {
  readonly reason: Reason;
  readonly family: Family;
  /** Lower-case substrings; any one says this reason. */
  readonly phrases: readonly string[];
  /** Lower-case parts that must appear in this order. */
  readonly pairs?: readonly (readonly string[])[];
  /**
   * rblbot's own wording beyond Sisimai's lists (providers' pages, the team's taxonomy). It is
   * read only when Sisimai's phrases leave the reason open (classify.ts): on any reply that
   * Sisimai's rules decide, rblbot decides the same.
   */
  readonly extra?: readonly string[];
  /**
   * Phrases read in Sisimai's pass too: one writer's own sentence that Sisimai's decoder for
   * that writer reads before its generic order, or a deliberate difference where Sisimai's
   * reading would send a mail admin the wrong way (docs/diagnose.md, "Where rblbot differs
   * from Sisimai"). Keep this list short.
   */
  readonly overrides?: readonly string[];
  /** rblbot's own ordered parts, read like `extra`. */
  readonly extraPairs?: readonly (readonly string[])[];
  /** Lower-case substrings that mean the phrases above are about something else. */
  readonly excludes?: readonly string[];
  /** What the receiving server did, completing "<server> …". */
  readonly summary: string;
  /** Hard bounce: retrying the same address is pointless. */
  readonly hard?: boolean;
}

const R = (r: ReasonRecord) => r;

export const REASON_TABLE: readonly ReasonRecord[] = [
  R({
    reason: 'authfailure',
    family: 'sender',
    phrases: [
      '//spf.pobox.com',
      'bad spf records for',
      'dmarc policy',
      "doesn't meet the required authentication level",
      'please inspect your spf settings',
      'sender policy framework (spf) fail',
      'sender policy framework violation',
      'spf (sender policy framework) domain authentication fail',
      'spf check: fail',
      "the 5322.from address doesn't meet the authentication requirements",
    ],
    extra: [
      // policyd-spf's reject text: "Message rejected due to: SPF fail - not authorized".
      'spf fail - not authorized',
      'the 5322.from address doesn\u2019t meet the authentication requirements',
      'does not pass dmarc verification',
      'senders to authenticate with either spf or dkim',
      'dmarc verification failed',
      'spf validation failed',
      'spf sender invalid',
      'dkim sender invalid',
      'dmarc sender invalid',
      'domain authentication fail',
      'fails to pass authentication checks',
      'does not pass authentication checks',
    ],
    pairs: [
      [' is not allowed to send mail.', '_401'],
      ['is not allowed to send from <', " per it's spf record"],
    ],
    summary: 'refused the mail because SPF, DKIM or DMARC did not pass',
  }),
  R({
    reason: 'badreputation',
    family: 'block',
    phrases: [
      'a poor email reputation score',
      'has been temporarily rate limited due to ip reputation',
      'ip/domain reputation problems',
      'likely suspicious due to the very low reputation',
      'none/bad reputation',
      'temporarily deferred due to unexpected volume or user complaints',
      "the sending mta's poor reputation",
    ],
    extra: ['poor reputation sender', 'local ct ip reputation'],
    summary: 'refused the mail because of the sending IP\u2019s or domain\u2019s reputation',
  }),
  R({
    reason: 'blocked',
    family: 'block',
    phrases: [
      ' said: 550 blocked',
      '//www.spamcop.net/bl.',
      'bad sender ip address',
      'banned sending ip',
      'blacklisted by',
      'blocked using ',
      'blocked - see http',
      'dnsbl:attrbl',
      'client host rejected: abus detecte gu_eib_02',
      'client host rejected: abus detecte gu_eib_04',
      'client host rejected: may not be mail exchanger',
      'client host rejected: was not authenticated',
      'confirm this mail server',
      'connection dropped',
      'connection refused by',
      'connection reset by peer',
      'connection was dropped by remote host',
      'connections not accepted from ip addresses on spamhaus xbl',
      'currently sending spam see: ',
      'domain does not exist:',
      'dynamic/zombied/spam ips blocked',
      'error: no valid recipients from ',
      'esmtp not accepting connections',
      'extreme bad ip profile',
      'go away',
      'helo command rejected:',
      'host network not allowed',
      'hosts with dynamic ip',
      'invalid ip for sending mail of domain',
      'is in a black list',
      'is not allowed to send mail from',
      'mailfrom domain is listed in spamhaus',
      'no access from mail server',
      'no matches to nameserver query',
      'not currently accepting mail from your ip',
      'part of their network is on our block list',
      'please use the smtp server of your isp',
      'refused - see http',
      'rejected - multi-blacklist',
      'rejected because the sending mta or the sender has not passed validation',
      'rejecting open proxy',
      'sender ip address rejected',
      'server access forbidden by your ip ',
      'service not available, closing transmission channel',
      'smtp error from remote mail server after initial connection:',
      "sorry, that domain isn't in my list of allowed rcpthosts",
      'sorry, your remotehost looks suspiciously like spammer',
      'temporarily deferred due to unexpected volume or user complaints',
      'to submit messages to this e-mail system has been rejected',
      'too many spams from your ip',
      'too many unwanted messages have been sent from the following ip address above',
      'was blocked by ',
      'we do not accept mail from dynamic ips',
      'you are not allowed to connect',
      'you are sending spam',
      'your ip address is listed in the rbl',
      'your network is temporary blacklisted',
      'your server requires confirmation',
    ],
    extra: [
      // Postfix check_client_access REJECT: the sending IP itself is refused.
      'client host rejected: access denied',
      // Public and provider-private IP lists the team's taxonomy documents
      'is listed on ',
      'is listed in ',
      'is listed at ',
      'listed at spamcop',
      'is ucerprotect-level',
      'ucerprotect-level',
      'uceprotect-level',
      'ip address is block listed',
      'ip address is black listed',
      'found on one or more dnsbls',
      'ip temporarily blacklisted',
      'is in an rbl',
      'ip not in whitelist for rcpt domain',
      'using customer block list',
      'an unusual rate of unsolicited mail',
      'is not authorized to send email directly to our servers',
      'because the ip is in spamhaus',
      'rejected due to listing in spamhaus',
      'rejected due to having a domain present in the spamhaus',
      'ip address blacklisted',
      'ip blacklisted',
      'a problem occurred. (ask your postmaster for help',
      'rejected by local policy: connections from',
      'not accepted from your ip',
      'client host blocked',
      'adresse ip source bloquee',
    ],
    pairs: [
      ['(', '@', ':blocked)'],
      ['access from ip address ', ' blocked'],
      ['client host ', ' blocked using'],
      ['connections will not be accepted from ', " because the ip is in spamhaus's list"],
      ['dnsbl:rbl ', '>_is_blocked'],
      ['email blocked by ', '.barracudacentral.org'],
      ['email blocked by ', 'spamhaus'],
      ['host ', ' refused to talk to me: ', ' blocked'],
      ['ip ', ' is blocked by earthlink'],
      ['is in an ', 'rbl on '],
      ['mail server at ', ' is blocked'],
      ['mail from ', ' refused:'],
      ['mail from ', ' refused, see ', 'orbs'],
      ['message from ', ' rejected based on blacklist'],
      ['messages from ', ' temporarily deferred due to user complaints'],
      ['server ip ', ' listed as abusive'],
      ['sorry! your ip address', ' is blocked by rbl'],
      ['the domain ', ' is blacklisted'],
      ['the email ', ' is blacklisted'],
      ['the ip', ' is blacklisted'],
      ['veuillez essayer plus tard. service refused, please try later. ', '103'],
      ['veuillez essayer plus tard. service refused, please try later. ', '510'],
      ['your access ip', ' has been rejected'],
      ["your sender's ip address is listed at ", '.abuseat.org'],
    ],
    extraPairs: [
      ['ip ', ' is listed'],
      ['messages from ', ' weren', 't sent'],
      ['external client with ip address', 'does not have permission'],
      ['your ip', ' block list'],
      ['your ip', ' blocklist'],
      ['your ip', ' blacklist'],
    ],
    summary: 'refused mail from the sending server (blocked)',
  }),
  R({
    reason: 'contenterror',
    family: 'content',
    phrases: [
      'duplicate header',
      'header size exceeds maximum permitted',
      'improper use of 8-bit data in message header',
      'message header size, or recipient list, exceeds policy limit',
      'message mime complexity exceeds the policy maximum',
      'routing loop detected -- too many received: headers',
      'this message contain invalid mime headers',
      'this message contain improperly-formatted binary content',
      'this message contain text that uses unnecessary base64 encoding',
    ],
    extra: ['stray linefeeds in message', 'too many "received" headers'],
    summary: 'refused the message format',
  }),
  R({ reason: 'delivered', family: 'notfailure', phrases: [], summary: 'delivered the message' }),
  R({
    reason: 'exceedlimit',
    family: 'content',
    phrases: ['message header size exceeds limit', 'message too large'],
    extra: ['the message exeeded the maximum size the user accepts'],
    summary: 'refused the message over a size limit',
  }),
  R({
    reason: 'expired',
    family: 'destination',
    phrases: [
      'connection timed out',
      'could not find a gateway for',
      'delivery attempts will continue to be',
      'delivery expired',
      'delivery time expired',
      'failed to deliver to domain ',
      'giving up on',
      'have been failing for a long time',
      'has been delayed',
      'it has not been collected after',
      'message expired after sitting in queue for',
      'message expired, cannot connect to remote server',
      'message expired, connection refulsed',
      'message timed out',
      'retry time not reached for any host after a long failure period',
      'server did not respond',
      'this message has been in the queue too long',
      'unable to deliver message after multiple retries',
      'was not reachable within the allowed queue period',
      'your message could not be delivered for more than',
    ],
    extra: [
      'message expired, connection refused',
      // Exim: "… after a long failure period", or "… for 'example.net' after 98h22m".
      'retry time not reached for any host',
      'retry timeout exceeded',
      'envelope expired',
      'delivery timeout',
      'queue.expired',
    ],
    pairs: [['could not be delivered for', ' days']],
    summary: 'could not be reached before the message expired',
  }),
  R({
    reason: 'failedstarttls',
    family: 'sender',
    phrases: ['starttls is required to send mail', 'tls required but not supported'],
    extra: [
      'must issue a starttls command first',
      'tls required for rcpt domain',
      'this route requires encryption (tls)',
      'this route requires tls version',
      'tls/sslv3 connection required',
      'starttls-not-supported:',
      'certificate-expired:',
      'tlsa-invalid:',
      'dnssec-invalid:',
      'certificate-host-mismatch:',
      'failed mta-sts validation',
      'tls is required',
      'encryption required for requested',
      'must use tls',
      'requires tls',
      'tls required',
    ],
    summary: 'refused the mail over a TLS problem',
  }),
  R({ reason: 'feedback', family: 'notfailure', phrases: [], summary: 'sent a complaint (feedback) report' }),
  R({
    reason: 'filtered',
    family: 'recipient',
    phrases: [
      'account is protected by',
      'bounced address',
      'has restricted sms e-mail',
      'is not accepting any mail',
      'message filtered',
      'message rejected due to user rules',
      'not found recipient account',
      'recipient id refuse to receive mail',
      'recipient is only accepting mail from specific email addresses',
      'refused due to recipient preferences',
      'user not found',
      'user refuses to receive this mail',
      'user reject',
      'you have been blocked by the recipient',
    ],
    extra: ['resolver.rst.notauthorized'],
    summary: 'filtered the message for this recipient',
  }),
  R({
    reason: 'hasmoved',
    family: 'recipient',
    phrases: [' has been replaced by '],
    extra: ['recipient no longer on server'],
    summary: 'says the recipient has moved',
    hard: true,
  }),
  R({
    reason: 'hostunknown',
    family: 'destination',
    phrases: [
      'domain does not exist',
      'domain is not reachable',
      'domain must exist',
      'host or domain name not found',
      'host unknown',
      'host unreachable',
      'mail domain mentioned in email address is unknown',
      'name or service not known',
      'no such domain',
      'recipient address rejected: unknown domain name',
      'recipient domain must exist',
      'the account or domain may not exist',
      'unknown host',
      'unroutable address',
      'unrouteable address',
    ],
    extra: [
      'recipient address rejected: domain not found',
      'nonexistent domain',
      'all host address lookups failed permanently',
      'all relevant mx records point to non-existent hosts',
      "sorry, i couldn't find any host ",
      'illegal host/domain name found',
      'invalid domain name',
      'as the remote domain doesnt exist',
      "we weren't able to find the recipient domain",
    ],
    pairs: [['553 ', ' does not exist']],
    summary: 'could not find the recipient domain',
    hard: true,
  }),
  R({
    reason: 'mailboxfull',
    family: 'recipient',
    phrases: [
      '452 insufficient disk space',
      'account disabled temporarly for exceeding receiving limits',
      'boite du destinataire pleine',
      'exceeded storage allocation',
      'full mailbox',
      'mailbox exceeds allowed size',
      'mailbox size limit exceeded',
      'mailbox would exceed maximum allowed storage',
      'mailfolder is full',
      'no space left on device',
      'not sufficient disk space',
      'quota violation for',
      'too much mail data',
      'user has exceeded quota, bouncing mail',
      'user has too many messages on the server',
      "user's space has been used up",
    ],
    extra: [
      'mailbox is full',
      'inbox is out of storage space',
      'out of storage space',
      'over quota',
      'overquota',
      'user is over quota',
      'account storage limit',
      "the number of messages in recipient's mailbox exceeded the local limit",
      'as their mailbox is full',
      'account is temporarily over quota',
      'disk quota exceeded',
    ],
    pairs: [
      ['account is ', ' quota'],
      ['disk', 'quota'],
      ['enough ', ' space'],
      ['mailbox ', 'exceeded', ' limit'],
      ['mailbox ', 'full'],
      ['mailbox ', 'quota'],
      ['maildir ', 'quota'],
      ['over ', 'quota'],
      ['quota ', 'exceeded'],
    ],
    summary: 'says the recipient\u2019s mailbox is full',
  }),
  R({
    reason: 'mailererror',
    family: 'destination',
    phrases: [
      ' || exit ',
      'procmail: ',
      'bin/procmail',
      'bin/maidrop',
      'command failed: ',
      'command died with status ',
      'command output:',
      'mailer error',
      'pipe to |/',
      'x-unix; ',
    ],
    extra: ['child process of ', 'unknown mailer error'],
    summary: 'failed in local delivery (a delivery program exited with an error)',
  }),
  R({
    reason: 'mesgtoobig',
    family: 'content',
    phrases: [
      'exceeded maximum inbound message size',
      'exceeded the maximum incoming message size',
      'line limit exceeded',
      'max message size exceeded',
      'message file too big',
      'message length exceeds administrative limit',
      'message size exceeds fixed limit',
      'message size exceeds fixed maximum message size',
      'message size exceeds maximum value',
      'message too big',
      'message too large for this ',
      'size limit',
      'taille limite du message atteinte',
    ],
    extra: [
      'maximum email size exceeded',
      'exceeds my databytes limit',
      "exceeded google's message size limits",
      'message size exceeds',
      'exceeds size limit',
      'message exceeds size limit',
      'message is too large',
    ],
    summary: 'refused the message as too large',
  }),
  R({
    reason: 'networkerror',
    family: 'destination',
    phrases: [
      'could not connect and send the mail to',
      'dns records for the destination computer could not be found',
      'hop count exceeded - possible mail loop',
      'host is unreachable',
      'host name lookup failure',
      'host not found, try again',
      'mail forwarding loop for ',
      'malformed name server reply',
      'malformed or unexpected name server reply',
      'maximum forwarding loop count exceeded',
      'message looping',
      'message probably in a routing loop',
      'no route to host',
      'too many hops',
      'unable to resolve route ',
      'unrouteable mail domain',
    ],
    extra: [
      'network error on destination mxs',
      'no valid route to remote mx',
      'no valid route to destination',
      'temporary failure in mx lookup',
      'address family mismatch on destination mxs',
      'all routes to destination blocked',
      'dns lookup failed',
      "sorry, i wasn't able to establish an smtp connection",
      "although i'm listed as a best-preference mx or a for that host",
      'message has exceeded maximum hop count',
      'routing loop detected',
      'message exceeded 50 hops',
      // Postfix's text for its 4.4.2 status (the connection broke mid-session).
      'lost connection with ',
    ],
    summary: 'could not be reached (network or DNS problem)',
  }),
  R({
    reason: 'norelaying',
    family: 'sender',
    phrases: [
      'as a relay',
      'email address is not verified.',
      'insecure mail relay',
      'is not permitted to relay through this server without authentication',
      'mail server requires authentication when attempting to send to a non-local e-mail address',
      'no relaying',
      'not a gateway',
      'not allowed to relay through this machine',
      'not an open relay, so get lost',
      'not local host',
      'relay access denied',
      'relay denied',
      'relay not permitted',
      'relaying denied',
      'relaying mail to ',
      'specified domain is not allowed',
      "that domain isn't in my list of allowed rcpthost",
      'this system is not configured to relay mail',
      'unable to relay ',
      "we don't handle mail for",
    ],
    extra: ['relay rejected for policy reasons', 'open relay not allowed', 'open relay is not allowed', 'due to the following smtp relay error'],
    summary: 'refused to relay the mail (relay access denied)',
  }),
  R({
    reason: 'notaccept',
    family: 'destination',
    phrases: [
      'does not accept mail (nullmx)',
      'host/domain does not accept mail',
      'host does not accept mail',
      'mail receiving disabled',
      'name server: .: host not found',
      'no mx record found for domain=',
      'no route for current request',
      'smtp protocol returned a permanent error',
    ],
    extra: [
      'null mx',
      'nullmx',
      'an mx or srv record indicated no smtp service',
      'no host found for existing smtp connection',
      "sorry, i couldn't find a mail exchanger or ip address",
      'destination seem to reject all mails',
      'no mx found for domain',
      'no mx found for destination',
      'does not accept mail',
      'domain does not accept email',
    ],
    summary: 'accepts no mail for that domain',
    hard: true,
  }),
  R({
    reason: 'notcompliantrfc',
    family: 'content',
    phrases: ['duplicate header', 'this message is not rfc 5322 compliant', 'https://support.google.com/mail/?p=rfcmessagenoncompliant'],
    // The same refusal naming the older RFCs (OpenSMTPD filters, appliances): "Delivery not
    // authorized, message refused: Message is not RFC 2822 compliant" is about the message,
    // where Sisimai's order would read the sender-refusal words first (rejected).
    overrides: ['is not rfc 2822 compliant', 'is not rfc 822 compliant'],
    extra: [
      'is not rfc 5322 compliant',
      'has detected that this message is not rfc 5322',
      'headers are not rfc compliant',
      'missing a valid message-id',
      'missing a valid address in the from: header',
    ],
    pairs: [[' multiple ', ' header']],
    summary: 'refused the message as not RFC 5322 compliant',
  }),
  R({ reason: 'onhold', family: 'unknown', phrases: [], summary: 'refused the mail without a clear reason' }),
  R({
    reason: 'policyviolation',
    family: 'content',
    phrases: [
      'an illegal attachment on your message',
      'because the recipient is not accepting mail with ',
      'by non-member to a members-only list',
      'closed mailing list',
      'denied by policy',
      'email not accepted for policy reasons',
      'email rejected due to security policies',
      'header are not accepted',
      'header error',
      'local policy violation',
      'message bounced due to organizational settings',
      'message given low priority',
      'message not accepted for policy reasons',
      'message rejected due to local policy',
      'messages with multiple addresses',
      'rejected for policy reasons',
      'protocol violation',
      'the email address used to send your message is not subscribed to this group',
      'the message was rejected by organization policy',
      'this message was blocked because its content presents a potential',
      'we do not accept messages containing images or other attachments',
      "you're using a mass mailer",
    ],
    extra: [
      'not accepted for policy reasons',
      'email policy violation detected',
      'message bounced due to content examination policy',
      'anti-spoofing policy',
      'attachment extension is forbidden',
      'has a policy that prohibited the mail',
      'delivery not authorized, message refused',
    ],
    pairs: [['you have exceeded the', 'allowable number of posts without solving a captcha']],
    summary: 'refused the mail by its policy',
  }),
  R({
    reason: 'rejected',
    family: 'sender',
    phrases: [
      'access denied (in reply to mail from command)',
      'access denied (sender blacklisted)',
      'address rejected',
      'administrative prohibition',
      'batv failed to verify',
      'batv validation failure',
      'backscatter protection detected an invalid or expired email address',
      "because the sender isn't on the recipient's list of senders to accept mail from",
      'bogus mail from',
      "can't determine purported responsible address",
      'connections not accepted from servers without a valid sender domain',
      'denied [bouncedeny]',
      'denied by secumail valid-address-filter',
      'delivery not authorized, message refused',
      'does not exist e2110',
      'domain of sender address ',
      'email address is on senderfilterconfig list',
      'emetteur invalide',
      'empty envelope senders not allowed',
      'envelope blocked - ',
      'error: no third-party dsns',
      'from: domain is invalid. please provide a valid from:',
      'fully qualified email address required',
      'invalid domain, see <url:',
      'invalid sender',
      'is not a registered gateway user',
      'mail from not owned by user',
      'message rejected: email address is not verified',
      'mx records for ',
      'null sender is not allowed',
      'recipient addresses rejected : access denied',
      'recipient not accepted. (batv: no tag',
      'returned mail not accepted here',
      'rfc 1035 violation: recursive cname records for',
      'rule imposed mailbox access for',
      'sending this from a different address or alias using the ',
      'sender address has been blacklisted',
      'sender email address rejected',
      'sender is in my black list',
      'sender is spammer',
      'sender not pre-approved',
      'sender rejected',
      'sender domain is empty',
      'sender verify failed',
      'sender was rejected',
      'spam reporting address',
      'syntax error: empty email address',
      'the message has been rejected by batv defense',
      'this server does not accept mail from',
      'transaction failed unsigned dsn for',
      'unroutable sender address',
      'you are not allowed to post to this mailing list',
      'you are sending to/from an address that has been blacklisted',
      'your access to submit messages to this e-mail system has been rejected',
      'your email address has been blacklisted',
    ],
    extra: [
      // Recipient-side sender block lists (Proofpoint Essentials "Blocked Senders - block_sender").
      'blocked senders',
    ],
    excludes: ['5.1.0 address rejected', 'recipient address rejected', 'sender ip address rejected'],
    summary: 'refused the envelope sender',
  }),
  R({
    reason: 'requireptr',
    family: 'block',
    phrases: [
      'access denied. ip name lookup failed',
      'all mail servers must have a ptr record with a valid reverse dns entry',
      'bad dns ptr resource record',
      'cannot find your hostname',
      'cannot resolve your address.',
      'client host rejected: cannot find your hostname',
      'fix reverse dns for ',
      'ips with missing ptr records',
      'no ptr record found.',
      'please get a custom reverse dns name from your isp for your host',
      'ptr record setup',
      'reverse dns failed',
      'reverse dns required',
      'sender ip reverse lookup rejected',
      'the ip address sending this message does not have a ptr record setup',
      'the corresponding forward dns entry does not point to the sending ip',
      'this system will not accept messages from servers/devices with no reverse dns',
      'unresolvable relay host name',
      'we do not accept mail from hosts with dynamic ip or generic dns ptr-records',
    ],
    // Postfix reject_unknown_reverse_client_hostname ("450 4.7.1 Client host rejected: cannot
    // find your reverse hostname"): the fix is a PTR record, not the delisting a 4.7.1 "blocked"
    // would send the sender after.
    overrides: ['cannot find your reverse hostname'],
    extra: [
      'does not have a ptr record',
      'must have a reverse dns record',
      'rejected - no rdns',
      'reverse dns for this ip failed',
      'does not meet ipv6 sending guidelines regarding ptr records',
    ],
    pairs: [
      ['domain ', ' mismatches client ip'],
      ['dns lookup failure: ', ' try again later'],
      ['reverse dns lookup for host ', ' failed permanently'],
      ['server access ', ' forbidden by invalid rdns record of your mail server'],
      ['service permits ', ' unverifyable sending ips'],
    ],
    summary: 'refused the sending IP because its reverse DNS (PTR) is missing or does not match',
  }),
  R({
    reason: 'securityerror',
    family: 'sender',
    phrases: [
      'account not subscribed to ses',
      'authentication credentials invalid',
      'authentication failure',
      'authentication required',
      'authentication turned on in your email client',
      'executable files are not allowed in compressed files',
      'insecure mail relay',
      'recipient address rejected: access denied',
      "sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
      'unauthenticated senders not allowed',
      'verification failure',
      'you are not authorized to send mail, authentication is required',
    ],
    extra: ['client was not authenticated', 'could not retrieve credentials', 'please turn on smtp authentication in your mail client'],
    pairs: [
      ['authentication failed; server ', ' said: '],
      ['authentification invalide', '305'],
      ['authentification requise', '402'],
      ['domain ', ' is a dead domain'],
      ['user ', ' is not authorized to perform ses:sendrawemail on resource'],
    ],
    summary: 'refused the mail for a security reason',
  }),
  R({
    reason: 'spamdetected',
    family: 'content',
    phrases: [
      ' - spam',
      '//www.spamhaus.org/help/help_spam_16.htm',
      '//dsbl.org/help/help_spam_16.htm',
      '//mail.163.com/help/help_spam_16.htm',
      '554 5.7.0 reject, id=',
      'appears to be unsolicited',
      'blacklisted url in message',
      'block for spam',
      'blocked by policy: no spam please',
      'blocked by spamassassin',
      'blocked for abuse. see http://att.net/blocks',
      'cannot be forwarded because it was detected as spam',
      'considered unsolicited bulk e-mail (spam) by our mail filters',
      'content filter rejection',
      'cyberoam anti spam engine has identified this email as a bulk email',
      'denied due to spam list',
      'high probability of spam',
      'is classified as spam and is rejected',
      'listed in work.drbl.imedia.ru',
      'the mail server detected your message as spam and has prevented delivery.',
      'mail appears to be unsolicited',
      'mail content denied',
      'may consider spam',
      'message considered as spam or virus',
      'message contains spam or virus',
      'message content rejected',
      'message detected as spam',
      'message filtered',
      'message filtered. please see the faqs section on spam',
      'message filtered. refer to the troubleshooting page at ',
      'message looks like spam',
      'message is being rejected as it seems to be a spam',
      'message refused by mailmarshal spamprofiler',
      'message refused by trustwave seg spamprofiler',
      'message rejected as spam',
      'message rejected because of unacceptable content',
      'message rejected due to suspected spam content',
      'message rejected for policy reasons',
      'message was rejected for possible spam/virus content',
      'our email server thinks this email is spam',
      'our system has detected that this message is ',
      'probable spam',
      'reject bulk.advertising',
      'rejected: spamassassin score ',
      'rejected - bulk email',
      'rejecting banned content',
      'rejecting mail content',
      'related to content with spam-like characteristics',
      'sender domain listed at ',
      'sending address not accepted due to spam filter',
      'spam blocked',
      'spam check',
      'spam content matched',
      'spam detected',
      'spam email',
      'spam email not accepted',
      'spam message rejected.',
      'spam not accepted',
      'spam refused',
      'spam rejection',
      'spam score ',
      'spambouncer identified spam',
      'spamming not allowed',
      'too many spam complaints',
      'too much spam.',
      'the email message was detected as spam',
      'the message has been rejected by spam filtering engine',
      'the message was rejected due to classification as bulk mail',
      'the content of this message looked like spam',
      'this message appears to be spam',
      'this message has been identified as spam',
      'this message has been scored as spam with a probability',
      'this message was classified as spam',
      'this message was rejected by recurrent pattern detection system',
      'transaction failed spam message not queued',
      'we dont accept spam',
      'your email appears similar to spam we have received before',
      'your email breaches local uribl policy',
      'your email had spam-like ',
      'your email is considered spam',
      'your email is probably spam',
      'your email was detected as spam',
      'your message as spam and has prevented delivery',
      'your message has been temporarily blocked by our filter',
      'your message has been rejected because it appears to be spam',
      'your message has triggered a spam block',
      'your message may contain the spam contents',
      'your message failed several antispam checks',
    ],
    extra: [
      'blocked by our bulk email filter',
      'likely unsolicited mail',
      'message rejected for spam or virus content',
      'spam is embedded in the email',
      'rejected as spam',
      'looks like spam',
      'spam message rejected',
      'identified as spam',
      'suspicion of spam',
    ],
    pairs: [
      ['greylisted', ' please try again in'],
      ['mail score (', ' over '],
      ['mail rejete. mail rejected. ', '506'],
      ['our filters rate at and above ', ' percent probability of being spam'],
      ['rejected by ', ' (spam)'],
      ['rejected due to spam ', 'classification'],
      ['rejected due to spam ', 'content'],
      ['rule imposed as ', ' is blacklisted on'],
      ['spam ', ' exceeded'],
      ['this message scored ', ' spam points'],
    ],
    summary: 'judged the message as spam',
  }),
  R({
    reason: 'speeding',
    family: 'block',
    phrases: ['please try again slower', 'receiving mail at a rate that prevents additional messages from being delivered'],
    extra: [
      'mail sent from your ip address has been temporarily rate limited',
      'is receiving mail too quickly',
      'user is receiving mail too quickly',
      'daily smtp relay limit exceeded',
      'daily sending quota exceeded',
      'daily user sending limit exceeded',
      'peak smtp relay limit exceeded',
      "recipient's per hour message receive limit",
      'has exceeded permitted limits within',
      'traffic not accepted from this ip',
      'tenant has exceeded threshold',
      'this mail has been rate limited',
      'frequency of receiving messages is limited',
    ],
    summary: 'is rate-limiting your mail',
  }),
  R({ reason: 'suppressed', family: 'recipient', phrases: [], summary: 'did not send to an address on its suppression list' }),
  R({
    reason: 'suspend',
    family: 'recipient',
    phrases: [
      ' is currently suspended',
      ' temporary locked',
      'archived recipient',
      'boite du destinataire archivee',
      'email account that you tried to reach is disabled',
      'has been suspended',
      'inactive account',
      'invalid/inactive user',
      'is a deactivated mailbox',
      'is unavailable: user is terminated',
      'mailbox currently suspended',
      'mailbox disabled',
      'mailbox is frozen',
      'mailbox unavailable or access denied',
      'recipient rejected: temporarily inactive',
      'recipient suspend the service',
      'the email account that you tried to reach is inactive',
      'this account has been disabled or discontinued',
      'this account has been temporarily suspended',
      'this address no longer accepts mail',
      'this mailbox is disabled',
      'user or domain is disabled',
      'user suspended',
      'vdelivermail: account is locked email bounced',
    ],
    // Where Sisimai's lists leave it open (no status, nothing else said): "Account disabled".
    extra: ['account disabled', 'account has been disabled', 'account is disabled'],
    // Sentences of one writer each (au EZweb; GMX/1&1's "Mailaddress is administrativ(e)ly
    // disabled" in its four spellings) that Sisimai's decoder for that writer reads as suspend
    // before its generic order: they decide here too, wherever the writer's block was cut.
    overrides: [
      'mailaddress is administrativly disabled',
      'mailaddress is administrativley disabled',
      'mailaddress is administratively disabled',
      'mailaddress is administrativeley disabled',
      'the user(s) account is disabled',
      'the user(s) account is temporarily limited',
    ],
    summary: 'says the recipient account is disabled',
  }),
  R({
    reason: 'syntaxerror',
    family: 'sender',
    phrases: [
      'syntax error in parameters or arguments',
      'bad sequence of commands',
      'unrecognized command',
      'command unrecognized',
      'angle-brackets nested too deep',
      'expected word or "<"',
      'domain missing in source-routed address',
      'malformed address:',
    ],
    summary: 'refused an SMTP command',
  }),
  R({
    reason: 'systemerror',
    family: 'destination',
    phrases: [
      'aliasing/forwarding loop broken',
      "can't create user output file",
      'could not load drd for domain',
      'internal error reading data',
      'internal server error: operation now in progress',
      'interrupted system call',
      'it encountered an error while being processed',
      'it would create a mail loop',
      'local configuration error',
      'local error in processing',
      'loop was found in the mail exchanger',
      'loops back to myself',
      'mail system configuration error',
      'queue file write error',
      'recipient deferred because there is no mdb',
      'remote server is misconfigured',
      'server configuration error',
      'service currently unavailable',
      'system config error',
      'temporary local problem',
      'timeout waiting for input',
      'transaction failed ',
    ],
    extra: [
      'delivery to file forbidden',
      'delivery to pipe forbidden',
      'local delivery failed',
      "this domain's dns violates rfc 1035",
      'message is looping',
      'message failed to be replicated',
      'several matches found in domino directory',
    ],
    pairs: [['unable to connect ', 'daemon']],
    summary: 'had an internal error',
  }),
  R({
    reason: 'systemfull',
    family: 'destination',
    phrases: ['mail system full', 'requested mail action aborted: exceeded storage allocation'],
    extra: ['insufficient system storage', 'insufficient system resources', 'not enough free space'],
    summary: 'is out of storage',
  }),
  R({
    reason: 'toomanyconn',
    family: 'block',
    phrases: [
      'all available ips are at maximum connection limit',
      'connection rate limit exceeded',
      'exceeds per-domain connection limit for',
      'has exceeded the max emails per hour ',
      'throttling failure: daily message quota exceeded',
      'throttling failure: maximum sending rate exceeded',
      'too many connections',
      'too many connections from your host.',
      'too many concurrent smtp connections',
      'too many errors from your ip',
      'too many recipients',
      'too many smtp sessions for this host',
      'trop de connexions, ',
      'we have already made numerous attempts to deliver this message',
    ],
    extra: [
      'max message per connection reached',
      'too many sessions from',
      'has exceeded the maximum number of connections',
      'too many concurrent connections',
      'ip frequency limited',
      'connection frequency limited',
    ],
    summary: 'refused too many connections or recipients at once',
  }),
  R({ reason: 'undefined', family: 'unknown', phrases: [], summary: 'refused the mail' }),
  R({
    reason: 'userunknown',
    family: 'recipient',
    phrases: [
      '#5.1.1 bad address',
      '550 address invalid',
      '5.1.0 address rejected.',
      'address does not exist',
      'address not present in directory',
      'address unknown',
      "can't accept user",
      'does not exist.',
      'destination addresses were unknown',
      'destination server rejected recipients',
      'email address does not exist',
      'email address could not be found',
      'invalid address',
      'invalid mailbox',
      'invalid mailbox path',
      'invalid recipient',
      'is not a known user',
      'is not a valid mailbox',
      'is not an active address at this host',
      'mailbox does not exist',
      'mailbox invalid',
      'mailbox is inactive',
      'mailbox is unavailable',
      'mailbox not present',
      'mailbox not found',
      'mailbox unavaiable',
      'nessun utente simile in questo indirizzo',
      'no account by that name here',
      'no existe dicha persona',
      'no existe ese usuario ',
      'no mail box available for this user',
      'no mailbox by that name is currently available',
      'no mailbox found',
      'no such address here',
      'no such mailbox',
      'no such person at this address',
      'no such recipient',
      'no such user',
      'no thank you rejected: account unavailable',
      'no valid recipients, bye',
      'not a valid recipient',
      'not a valid user here',
      'not a local address',
      'not email addresses',
      'recipient address rejected. (in reply to rcpt to command)',
      'recipient address rejected: access denied',
      'recipient address rejected: invalid user',
      'recipient address rejected: invalid-recipient',
      'recipient address rejected: unknown user',
      'recipient address rejected: userunknown',
      'recipient does not exist',
      'recipient is not accepted',
      'recipient is not local',
      'recipient not exist',
      'recipient not found',
      'recipient not ok',
      'recipient refuses to accept your mail',
      'recipient unknown',
      'requested action not taken: mailbox unavailable',
      'resolver.adr.recipient notfound',
      'sorry, user unknown',
      'sorry, badrcptto',
      'sorry, no mailbox here by that name',
      'sorry, your envelope recipient has been denied',
      "that domain or user isn't in my list of allowed rcpthosts",
      'the email account that you tried to reach does not exist',
      'the following recipients was undeliverable',
      "the user's email name is not found",
      'there is no one at this address',
      'this address no longer accepts mail',
      'this email address is wrong or no longer valid',
      'this recipient is in my badrecipientto list',
      'this recipient is not in my validrcptto list',
      'this spectator does not exist',
      'unknown mailbox',
      'unknown recipient',
      'unknown user',
      'user does not exist',
      'user missing home directory',
      'user not active',
      'user not exist',
      'user not found',
      'user not known',
      'user unknown',
      'utilisateur inconnu !',
      'vdeliver: invalid or unknown virtual user',
      'weil die adresse nicht gefunden wurde oder keine e-mails empfangen kann',
      'your envelope recipient is in my badrcptto list',
    ],
    extra: [
      'resolver.adr.recipnotfound',
      'resolver.adr.exrecipnotfound',
      'not listed in domino directory',
      'not listed in public name & address book',
      "the address couldn't be found",
      'because the address couldn\u2019t be found',
      'invalid final delivery userid',
      'no such user here',
    ],
    pairs: [
      ['<', '> not found'],
      ['<', '>... blocked by '],
      ['account ', ' does not exist at the organization'],
      ['adresse d au moins un destinataire invalide. invalid recipient.', '416'],
      ['adresse d au moins un destinataire invalide. invalid recipient.', '418'],
      ['bad', 'recipient'],
      ['mailbox ', 'does not exist'],
      ['mailbox ', 'unavailable or access denied'],
      ['no ', ' in name directory'],
      ['non', 'existent user'],
      ['rcpt <', ' does not exist'],
      ['rcpt (', 't exist '],
      ['recipient ', ' was not found in'],
      ['recipient address rejected: user ', '  does not exist'],
      ['recipient address rejected: user unknown in ', '  table'],
      ['said: 550', '5.1.1 ', ' user unknown '],
      ["this user doesn't have a ", ' account'],
      ['unknown e', 'mail address'],
      ['unknown local', 'part'],
      ['user ', ' was not found'],
      ['user ', ' does not exist'],
      ['user (', ') unknown'],
    ],
    extraPairs: [
      // Exchange Online's user-facing line: "john wasn't found at example.com."
      ["wasn't found at ", '.'],
      ['wasn’t found at ', '.'],
    ],
    // Exim's sender callout quotes the sender's server ("Response: 550 5.1.1 No such
    // user"): the unknown address there is the sender, refused as such.
    excludes: ['sender verify failed', 'sender verification failed'],
    summary: 'says the recipient address does not exist',
    hard: true,
  }),
  R({
    reason: 'vacation',
    family: 'notfailure',
    phrases: ['i am away on vacation', 'i am away until', 'i am out of the office', 'i will be traveling for work on'],
    summary: 'answered automatically (out of office)',
  }),
  R({
    reason: 'virusdetected',
    family: 'content',
    phrases: [
      'it has a potentially executable attachment',
      'the message was rejected because it contains prohibited virus or spam content',
      'this form of attachment has been used by recent viruses or other malware',
      'virus detected',
      'virus phishing/malicious_url detected',
      'your message was infected with a virus',
    ],
    extra: ['virus infected message rejected', ' detected by zoho mail', 'contains a virus', 'infected with a virus'],
    summary: 'found a virus in the message',
  }),
];

export const REASON_RECORDS: ReadonlyMap<Reason, ReasonRecord> = new Map(REASON_TABLE.map((r) => [r.reason, r]));

export function familyOf(reason: Reason): Family {
  return REASON_RECORDS.get(reason)?.family ?? 'unknown';
}

export function summaryOf(reason: Reason): string {
  return REASON_RECORDS.get(reason)?.summary ?? reason;
}

/** Do all parts appear in this order? */
export function aligned(text: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const p of parts) {
    const i = text.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return true;
}

/**
 * A quick "might contain" test before the substring searches: one bit per pair of adjacent
 * characters present in the text (hashed to 8,192 bits). A phrase whose pairs are not
 * all present cannot occur, which rules out almost every phrase without a search: the
 * table has about 1,500 phrases, and searching each in every reply cost a third of the
 * diagnosis time.
 */
const pairKey = (a: number, b: number): number => ((a << 5) ^ b) & 0x1fff;

function pairBits(text: string): Uint8Array {
  const bits = new Uint8Array(1024);
  let prev = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const h = pairKey(prev, c);
    bits[h >> 3]! |= 1 << (h & 7);
    prev = c;
  }
  return bits;
}

/** Up to six pair keys spread over a phrase (more keys cost more than they save). */
function keysOf(phrase: string): Uint16Array {
  const n = phrase.length - 1;
  const count = Math.min(6, Math.max(0, n));
  const keys = new Uint16Array(count);
  for (let k = 0; k < count; k++) {
    const i = 1 + Math.floor((k * (n - 1)) / Math.max(1, count - 1));
    keys[k] = pairKey(phrase.charCodeAt(i - 1), phrase.charCodeAt(i));
  }
  return keys;
}

interface CompiledRecord {
  readonly phrases: readonly string[];
  /** keys[i] belongs to phrases[i]. */
  readonly keys: readonly Uint16Array[];
  readonly pairs: readonly (readonly string[])[];
  /** pairKeys[i] holds the keys of every part of pairs[i]. */
  readonly pairKeys: readonly Uint16Array[];
  readonly excludes: readonly string[];
}

function compile(phrases: readonly string[], pairs: readonly (readonly string[])[], excludes: readonly string[]): CompiledRecord {
  return {
    phrases,
    keys: phrases.map(keysOf),
    pairs,
    pairKeys: pairs.map((parts) => Uint16Array.from(parts.flatMap((p) => [...keysOf(p)]))),
    excludes,
  };
}

/** Sisimai's phrases (and the few deliberate overrides). */
const SISIMAI: ReadonlyMap<Reason, CompiledRecord> = new Map(
  REASON_TABLE.map((r) => [r.reason, compile([...r.phrases, ...(r.overrides ?? [])], r.pairs ?? [], r.excludes ?? [])]),
);

/** Sisimai's phrases and rblbot's own. */
const ALL: ReadonlyMap<Reason, CompiledRecord> = new Map(
  REASON_TABLE.map((r) => [
    r.reason,
    compile([...r.phrases, ...(r.overrides ?? []), ...(r.extra ?? [])], [...(r.pairs ?? []), ...(r.extraPairs ?? [])], r.excludes ?? []),
  ]),
);

function mayContain(bits: Uint8Array, keys: Uint16Array): boolean {
  for (let k = 0; k < keys.length; k++) {
    const h = keys[k]!;
    if ((bits[h >> 3]! & (1 << (h & 7))) === 0) return false;
  }
  return true;
}

function saysWith(table: ReadonlyMap<Reason, CompiledRecord>, reason: Reason, lower: string, bits: Uint8Array): boolean {
  const r = table.get(reason);
  if (!r) return false;
  for (let i = 0; i < r.excludes.length; i++) if (lower.includes(r.excludes[i]!)) return false;
  const { phrases, keys } = r;
  for (let i = 0; i < phrases.length; i++) if (mayContain(bits, keys[i]!) && lower.includes(phrases[i]!)) return true;
  for (let i = 0; i < r.pairs.length; i++) if (mayContain(bits, r.pairKeys[i]!) && aligned(lower, r.pairs[i]!)) return true;
  return false;
}

/** Does the lower-cased text carry one of this reason's phrases, its own included (and none of its exclusions)? */
export function says(reason: Reason, lower: string): boolean {
  return lower !== '' && saysWith(ALL, reason, lower, pairBits(lower));
}

/** Whether a text carries a reason's phrases: `sisimai` reads Sisimai's lists only, `all` rblbot's own too. */
export interface Sayers {
  readonly sisimai: (reason: Reason) => boolean;
  readonly all: (reason: Reason) => boolean;
}

/**
 * `says` for many reasons on one text: the text is indexed once and each reason is
 * looked up at most once per table.
 */
export function phrasesIn(lower: string): Sayers {
  const bits = lower ? pairBits(lower) : null;
  const sayer = (table: ReadonlyMap<Reason, CompiledRecord>) => {
    const known = new Map<Reason, boolean>();
    return (reason: Reason): boolean => {
      if (!bits) return false;
      let v = known.get(reason);
      if (v === undefined) known.set(reason, (v = saysWith(table, reason, lower, bits)));
      return v;
    };
  };
  return { sisimai: sayer(SISIMAI), all: sayer(ALL) };
}

/** Does the text carry any reason's phrase at all? */
export function saysAnything(lower: string): boolean {
  const s = phrasesIn(lower).all;
  return REASON_TABLE.some((r) => r.phrases.length + (r.extra?.length ?? 0) + (r.overrides?.length ?? 0) > 0 && s(r.reason));
}
