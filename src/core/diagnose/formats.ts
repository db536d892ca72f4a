/**
 * The format table: one entry per bounce writer (MTA, provider, filtering appliance) with
 * how to recognise its bounces, where its error text starts, where the returned original
 * message begins, which lines name a failed recipient, and the writer's own wording for
 * some failures. reader.ts applies an entry to a message; nothing here is code.
 *
 * Markers are facts about each writer's templates (Postfix bounce(5), Exim deliver.c,
 * Sendmail savemail.c, qmail-send, Exchange NDRs, …) as documented by the writers and
 * collected in Sisimai's published decoders and the team's taxonomy.
 *
 * Adding a format: one entry here (most specific detection first in FORMATS), plus a
 * fixture in test/fixtures/bounces. Every pattern is tested against one line at a time
 * (at most 4000 characters) and has no nested quantifiers.
 */
import type { SmtpCommand } from './commands.js';
import type { Reason } from './types.js';

/** One thing that marks a format; each satisfied signal counts once. */
export interface Signal {
  readonly subject?: RegExp;
  readonly from?: RegExp;
  /** Header name (lower case) that must be present, and optionally its value. */
  readonly header?: string;
  readonly value?: RegExp;
  /** Any Received header matches. */
  readonly received?: RegExp;
  readonly messageId?: RegExp;
  /** Anywhere in the first 24 KB of the readable text (markers come first in every format). */
  readonly body?: RegExp;
}

export interface Format {
  readonly id: string;
  /** Human name ("Postfix"); `system` in fixtures is `id`. */
  readonly name: string;
  readonly signals: readonly Signal[];
  /** How many signals must hold (default 1). */
  readonly need?: number;
  /** Signals that must all hold whatever the count (e.g. the writer's From). */
  readonly required?: readonly Signal[];
  /** The error text starts at the first line matching one of these (that line included). */
  readonly start?: readonly RegExp[];
  /** The returned original message starts at the first line matching one of these. */
  readonly original?: readonly RegExp[];
  /** Lines of the error text that are no server words (a transcript's echo of the message headers). */
  readonly ignore?: readonly RegExp[];
  /** Lines that name one failed recipient; group 1 is the address. */
  readonly recipients?: readonly RegExp[];
  /** No recipient in the text: take it from the returned message's To: header. */
  readonly recipientFromOriginal?: boolean;
  /** The writer's own phrases (case-sensitive, as it writes them) → reason. */
  readonly messages?: readonly (readonly [Reason, readonly string[]])[];
  /** Codes in the error text (group 1) → reason: Exchange NDR codes, Gmail "(state N)". */
  readonly codes?: { readonly pattern: RegExp; readonly reasons: Readonly<Record<string, Reason>> };
  /** What the failed command alone says for this writer. */
  readonly commandReasons?: Partial<Record<SmtpCommand, Reason>>;
  /** A field of each recipient's DSN group whose value decides the reason (PowerMTA's X-PowerMTA-BounceCategory). */
  readonly dsnReasons?: { readonly field: string; readonly values: Readonly<Record<string, Reason>> };
  /** Header values that decide the reason (au's X-SPASIGN: NG → filtered). */
  readonly headerReasons?: readonly { readonly header: string; readonly value: RegExp; readonly reason: Reason }[];
  /** Phrase pairs that leave the reason open for the generic rules (qmail: unknown user + queue timeout). */
  readonly onhold?: readonly (readonly string[])[];
  /** Notices that say the message is only delayed (still queued). */
  readonly delayed?: readonly RegExp[];
  /** Not a failure: delivery reports (success) of this writer. */
  readonly delivered?: readonly RegExp[];
  /** Reason for every recipient when the writer says nothing more specific (Google Groups). */
  readonly defaultReason?: Reason;
  /** A line that alone identifies the writer in pasted text, which has no headers. */
  readonly pasted?: RegExp;
  /** The error text comes before the recipient line it belongs to (Notes). */
  readonly errorFirst?: boolean;
  /** Several recipient lines, then one error text for all of them (Domino's "because:"). */
  readonly sharedError?: boolean;
  /** Without one of its start lines the body is not this writer's (a subject alone is not enough). */
  readonly needsStart?: boolean;
}

/**
 * Markers of a returned original message that every writer may use. Each starts with "-",
 * "|", "o" or "c" at the start of the line: reader.ts filters lines on that first.
 */
export const GENERIC_ORIGINAL: readonly RegExp[] = [
  /^-{2,} ?this is a copy of the message/i,
  /^-{2,} ?(?:the )?original message (?:follows|headers?)/i,
  /^original message headers:?\s*$/i,
  /^-{2,} ?below this line is a copy of the (?:message|mail header)/i,
  /^-{2,} ?below the next line is a copy of the message/i,
  /^-{2,} ?message header follows/i,
  /^-{2,} ?returned message/i,
  /^-{2,} ?unsent message follows/i,
  /^-{2,} ?no message was collected/i,
  /^-{3} ?the header of the original message is following/i,
  /^content-description:\s*undelivered message/i,
  /^content-type:\s*(?:message\/rfc822|text\/rfc822-headers?|message\/partial)/i,
  /^original message follows\.?\s*$/i,
  /^-{2,} ?original message -{2,}\s*$/i,
  /^\|?-{5,} ?message (?:text|header) follows:? ?-{5,}\|?\s*$/i,
];

/** Subject words of delay notices ("still being retried"), and body words. */
export const GENERIC_DELAYED: readonly RegExp[] = [
  /^delayed mail \(still being retried\)/i,
  /^warning: (?:message .{1,200} delayed|could not send message for past)/i,
  /^warning: delayed mail/i,
  /^delivery status notification \(delay\)/i,
  /^delivery delayed/i,
];

const addr = '([^\\s<>()"\'\\[\\]:;,]{1,64}@[A-Za-z0-9.-]{1,253}[A-Za-z0-9])';

export const FORMATS: readonly Format[] = [
  {
    id: 'amazonses',
    name: 'Amazon SES notification',
    // The JSON notifications are read by notices.ts; this entry reads SES's own DSN mails.
    signals: [
      { body: /"notificationType"\s{0,4}:\s{0,4}"(?:Bounce|Complaint|Delivery)"/ },
      { header: 'x-ses-outgoing' },
      { from: /@amazonses\.com/i },
      { messageId: /amazonses\.com/i },
    ],
    recipients: [],
    messages: [
      ['suppressed', ['Amazon SES has suppressed sending to this address', 'on the account-level suppression list', 'on the suppression list']],
    ],
  },
  {
    id: 'arf',
    name: 'Feedback report (ARF / JMRP)',
    signals: [
      { header: 'content-type', value: /report-type\s{0,3}=\s{0,3}"?feedback-report/i },
      { subject: /complaint about message from/i, from: /staff@hotmail\.com|complaints@email-abuse\.amazonses\.com/i },
      { header: 'x-hmxmroriginalrecipient' },
      { header: 'x-apple-unsubscribe', value: /^true$/i },
      { body: /^feedback-type:\s{0,4}[a-z-]{3,30}\s*$/im },
    ],
  },
  {
    id: 'googlegroups',
    name: 'Google Groups',
    signals: [{ from: /mailer-daemon@googlemail\.com/i }, { header: 'x-failed-recipients' }, { body: /Google Groups/ }],
    need: 3,
    pasted: /^We're writing to let you know that the group you tried to contact/,
    original: [/^-{5} Original message -{5}/],
    recipients: [],
    defaultReason: 'onhold',
    messages: [
      ['rejected', ['You might have spelled or formatted the group name incorrectly', 'may not have permission to post messages to the group']],
    ],
  },
  {
    id: 'gmail',
    name: 'Gmail',
    signals: [{ from: /mailer-daemon@googlemail\.com|mailer-daemon@google\.com/i }, { subject: /delivery status notification/i }],
    need: 2,
    pasted: /^\*\* (?:Address not found|Message not delivered|Delivery incomplete|Message blocked) \*\*/,
    start: [/^Delivery to the following recipient/, /^\*\* /, /^Your message wasn't delivered to \S{1,64}@/i, /^Message not delivered/i],
    original: [/^-{5} Original message -{5}/, /^-{5} Message header follows -{5}/],
    recipients: [new RegExp(`^\\s{2,}${addr}\\s*$`), new RegExp(`^Your message wasn't delivered to ${addr}`, 'i')],
    recipientFromOriginal: true,
    messages: [
      ['expired', ['DNS Error: Could not contact DNS servers', 'The recipient server did not accept our requests to connect']],
      ['hostunknown', ['DNS Error: Domain name not found', 'DNS Error: DNS server returned answer with no data']],
      ['userunknown', ["because the address couldn't be found. Check for typos or unnecessary spaces and try again."]],
      // Google Workspace NDRs ("** Message not delivered **").
      ['networkerror', [' had no relevant answers.', ' responded with code NXDOMAIN']],
      ['notaccept', ['Null MX']],
    ],
    codes: {
      pattern: /\(state (\d{1,2})\)/,
      reasons: {
        '6': 'failedstarttls',
        '8': 'systemerror',
        '9': 'failedstarttls',
        '12': 'norelaying',
        '13': 'blocked',
        '14': 'userunknown',
        '15': 'filtered',
        '17': 'filtered',
        '18': 'filtered',
      },
    },
    delayed: [/Delivery to the following recipient has been delayed/, /Message will be retried for \d{1,2} more day/],
  },
  {
    id: 'exchange2003',
    name: 'Microsoft Exchange 2003',
    signals: [
      { header: 'x-ms-embedded-report' },
      { header: 'x-mailer', value: /^(?:Internet Mail Service \(|Microsoft Exchange Server Internet Mail Connector)/ },
      { header: 'x-mimeole', value: /^Produced By Microsoft Exchange/ },
      { received: / with Internet Mail Service \(/ },
    ],
    pasted: /did not reach the following recipient\(s\):|^The following recipient\(s\) (?:cannot|could not) be reached:/,
    start: [/^Your message/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [
      new RegExp(`^\\s{0,8}'?${addr}'? on `),
      /^\s{0,8}[^@\s]{0,200}:SMTP=([^;\s]{1,200}@[^;\s]{1,200}); on /i,
      // Outlook's rendering names the recipient by display name only: "'Bruno Costa' on 11/12/2026".
      /^\s{0,8}'[^'@]{1,200}' on [0-9]/,
    ],
    // The template sentence for x.2.3 names two causes; the status code that follows says which.
    ignore: [/^\s{0,16}The message is larger than the current system limit or the recipient's mailbox is full/],
    codes: {
      pattern: /MSEXCH:[^(]{0,200}\(([0-9A-F]{8})\)/,
      reasons: {
        '000C05A6': 'userunknown',
        '000C0595': 'filtered',
        '00010256': 'systemerror',
        '000D06B5': 'systemerror',
        '00120270': 'networkerror',
        '00050311': 'contenterror',
        '000502CC': 'contenterror',
        '000B0981': 'securityerror',
        '000B099C': 'onhold',
        '000B09AA': 'onhold',
        '000B09B6': 'onhold',
      },
    },
  },
  {
    id: 'exchange2007',
    name: 'Microsoft Exchange 2007 and later / Exchange Online',
    signals: [
      { subject: /Undeliverable|Non[ _]remis|Non recapitabile|Olevererbart|Unzustellbar|No se puede entregar|Onbestelbaar|N.o entregue/ },
      { from: /postmaster@outlook\.com|\.onmicrosoft\.com|MicrosoftExchange/i },
      { body: / RESOLVER\.| QUEUE\.|\bSMTPSEND\.|\bSTOREDRV\./ },
      {
        body: /^(?:Diagnostic information for administrators:|Informations de diagnostic pour les administrateurs|Diagnoseinformationen f.r Administratoren|Informaci.n de diagn.stico para administradores|Informazioni di diagnostica per gli amministratori|Diagnostische gegevens voor beheerders|Informa..es de diagn.stico para administradores|Diagnostisk information f.r administrat.rer|管理者向けの診断情報|Error Details)/m,
      },
      { header: 'content-language' },
      { header: 'x-ms-exchange-message-is-ndr' },
    ],
    need: 2,
    original: [
      /^Original Message Headers/i,
      /^Original message headers:/i,
      /tes de message d'origine :/,
      /^Intestazioni originali del messaggio:/,
      /^Ursprungshuvuden:/,
      /^Urspr.ngliche Nachrichtenkopfzeilen:/,
      /^Encabezados del mensaje original:/,
      /^Oorspronkelijke berichtkoppen:/,
      /^Cabe.alhos da mensagem original:/,
      /^元のメッセージ ?ヘッダー/,
      /^Content-Type: message\/rfc822/i,
    ],
    // The heading of the NDR's user part too: users often copy only that part.
    pasted:
      /^(?:Delivery has failed to these recipients or groups:|La remise . ces destinataires ou groupes a .chou.|Die Zustellung an folgende Empf.nger oder Gruppen ist fehlgeschlagen|Diagnostic information for administrators:|Informations de diagnostic pour les administrateurs|Diagnoseinformationen f.r Administratoren|Informaci.n de diagn.stico para administradores|Informazioni di diagnostica per gli amministratori|Diagnostische gegevens voor beheerders|Informa..es de diagn.stico para administradores|Diagnostisk information f.r administrat.rer|管理者向けの診断情報)/,
    recipients: [
      new RegExp(`^\\s{0,8}${addr}\\s*$`),
      new RegExp(`^\\s{0,8}${addr}\\s{1,4}(?:#|Remote Server|Generating server)`),
      /Recipient Address:\s{1,20}([^\s@]{1,64}@[^\s]{1,253})/,
      // The user part names each recipient as "Display Name (a@b)" or "a@b<mailto:a@b>".
      new RegExp(`^\\s{0,8}[^@()<>\\s][^@()<>]{0,120} \\(${addr}\\)\\s*$`),
      new RegExp(`^\\s{0,8}${addr}<mailto:`),
    ],
    // The user part's template sentences, for a copy without the administrators' part.
    messages: [
      ['userunknown', ["The e-mail address you entered couldn't be found", "The email address you entered couldn't be found"]],
      ['mailboxfull', ["The recipient's mailbox is full and can't accept messages now"]],
    ],
    codes: {
      pattern: /\b((?:RESOLVER|QUEUE|SMTPSEND)\.[A-Za-z0-9]{2,20}\.[A-Za-z0-9]{2,40}|QUEUE\.Expired)/,
      reasons: {
        'SMTPSEND.DNS.NonExistentDomain': 'hostunknown',
        'SMTPSEND.DNS.MxLoopback': 'networkerror',
        'RESOLVER.ADR.BadPrimary': 'systemerror',
        'RESOLVER.ADR.RecipNotFound': 'userunknown',
        'RESOLVER.ADR.RecipientNotFound': 'userunknown',
        'RESOLVER.ADR.ExRecipNotFound': 'userunknown',
        'RESOLVER.ADR.RecipLimit': 'toomanyconn',
        'RESOLVER.ADR.InvalidInSmtp': 'systemerror',
        'RESOLVER.ADR.Ambiguous': 'systemerror',
        'RESOLVER.RST.AuthRequired': 'securityerror',
        'RESOLVER.RST.NotAuthorized': 'rejected',
        // The same refusal for a sender missing from the recipient's or group's allowed list (5.7.124).
        'RESOLVER.RST.SenderNotAllowed': 'rejected',
        'RESOLVER.RST.RestrictedToRecipientsPermission': 'rejected',
        'RESOLVER.RST.RecipSizeLimit': 'exceedlimit',
        'QUEUE.Expired': 'expired',
      },
    },
  },
  {
    id: 'sendmail',
    name: 'Sendmail',
    signals: [
      { subject: /^Warning: could not send message|see transcript for details$|^Returned mail: / },
      { body: /^ {0,3}----- Transcript of session follows -----/m },
      { body: /^\.\.\. while talking to /m },
    ],
    need: 2,
    start: [/^ {0,3}----- (?:Transcript of session follows|The following addresses had (?:permanent fatal errors|transient non-fatal errors)) -----/],
    original: [/^ {0,3}----- (?:Original message follows|Message header follows|Unsent message follows|No message was collected) -----/],
    recipients: [new RegExp(`^<${addr}>\\.\\.\\. `), new RegExp(`^\\s{0,3}<${addr}>\\s*$`), new RegExp(`^\\s{0,3}${addr}\\s{0,3}$`)],
    delayed: [
      /^Warning: message still undelivered after/,
      /^\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*/,
    ],
  },
  {
    id: 'exim',
    name: 'Exim',
    signals: [
      { from: /Mail Delivery System/ },
      {
        subject:
          /Delivery Status Notification|Mail delivery failed|Mail failure|Message frozen|Warning: message .{1,200} delayed|error\(s\) in forwarding or filtering/,
      },
      { messageId: /^<[A-Za-z0-9]{6}-[A-Za-z0-9]{6}-[A-Za-z0-9]{2,4}@/ },
      { header: 'x-failed-recipients' },
      { header: 'x-mx-bounce' },
      { header: 'x-mxl-hash' },
    ],
    need: 2,
    start: [
      /This message was created automatically by mail delivery software\./,
      /A message that you sent was rejected by the local scann?ing code/,
      /A message that you sent contained one or more recipient addresses /,
      /A message that you sent could not be delivered to all of its recipients/,
      / has been frozen| was frozen on arrival/,
      / router encountered the following error\(s\):/,
    ],
    original: [/^-{5,6} ?This is a copy of the message/, /^Content-Type: message\/rfc822/i, /^Included is a copy of the message header:/],
    recipients: [new RegExp(`^ {2}${addr}(?:\\s|:|$)`), new RegExp(`^ {2}<${addr}>:`), /^ {2}an undisclosed address/, /^ {2}pipe to \|/],
    messages: [
      ['userunknown', ['user not found']],
      ['hostunknown', ['all host address lookups failed permanently', 'all relevant MX records point to non-existent hosts', 'Unrouteable address']],
      ['mailboxfull', ['mailbox is full', 'error: quota exceed']],
      ['notaccept', ['an MX or SRV record indicated no SMTP service', 'no host found for existing SMTP connection']],
      ['syntaxerror', ['angle-brackets nested too deep', 'expected word or "<"', 'domain missing in source-routed address', 'malformed address:']],
      ['systemerror', ['delivery to file forbidden', 'delivery to pipe forbidden', 'local delivery failed', 'LMTP error after ']],
      ['contenterror', ['Too many "Received" headers']],
      [
        'expired',
        [
          'retry timeout exceeded',
          'No action is required on your part',
          'retry time not reached for any host after a long failure period',
          'all hosts have been failing for a long time and were last tried',
          'Delay reason: ',
          'has been frozen',
          'was frozen on arrival by ',
        ],
      ],
      ['mailererror', ['pipe to |']],
    ],
    commandReasons: { EHLO: 'blocked', HELO: 'blocked', MAIL: 'onhold' },
    delayed: [/^Warning: message .{1,200} delayed/, /has not yet been delivered to one or more of its/],
  },
  {
    id: 'postfix',
    name: 'Postfix',
    signals: [
      {
        subject:
          /^Undelivered Mail Returned to Sender|^Delayed Mail \(still being retried\)|^Successful Mail Delivery Report|SMTP server: errors from /,
      },
      { body: /^ {0,8}This is the mail system at host |^ {0,8}The (?:Postfix|mail system)\b|^ {0,8}This is the (?:Postfix|mail system)/m },
    ],
    start: [/^ {0,8}This is the (?:mail system|Postfix)/, /^ {0,8}The (?:Postfix|mail system)\b/, /^ {0,8}The \S{1,40} program/],
    original: [/^Content-Type: (?:message\/rfc822|text\/rfc822-headers)/i],
    recipients: [new RegExp(`^<${addr}>(?: \\(expanded from <[^>]{1,300}>\\))?:`)],
    needsStart: true,
    recipientFromOriginal: true,
    // bounce(5)'s template sentences, and its placeholder when the report was lost: no server words.
    ignore: [
      /^ {0,8}This is the mail system at host /,
      /^ {0,8}I'm sorry to have to inform you that your message could not\s*$/,
      /^ {0,8}be delivered to one or more recipients\. It's attached below\.\s*$/,
      /^ {0,8}For further assistance, please send mail to postmaster\.\s*$/,
      /^ {0,8}If you do so, please include this problem report\. You can\s*$/,
      /^ {0,8}delete your own text from the attached returned message\.\s*$/,
      /^ {0,24}The mail system\s*$/,
      /^\s{0,8}--- Delivery report unavailable ---\s*$/,
    ],
    delayed: [/^#{20,}\s*$/, /^ {0,8}THIS IS A WARNING ONLY/],
  },
  {
    id: 'qmail',
    name: 'qmail',
    signals: [
      { subject: /^failure notice$/i },
      { received: /\(qmail \d{1,9} invoked/ },
      { body: /Hi\. This is the qmail|This is the qmail-send program/ },
    ],
    pasted: /Hi\. This is the qmail|This is the qmail-send program/,
    start: [
      /Hi\. This is the qmail/,
      /He\/Her is not /,
      /unable to deliver your message to the following addresses/,
      /Su mensaje no pudo ser entregado/,
      /Sorry, we were unable to deliver your message to the following address/,
      /This is the machine generated message from mail service/,
      /This is the mail delivery agent at/,
      /Unable to deliver message to the following address/,
      /Unfortunately, your mail was not delivered to the following address:/,
      /Your mail message to the following address/,
      /Your message to the following addresses/,
      /We're sorry\./,
    ],
    original: [
      /^--- Below this line is a copy of the (?:message|mail header)\./,
      /^--- Below the next line is a copy of the message\./,
      /^--- Mensaje original adjunto\./,
      /^Content-Type: message\/rfc822/i,
      /^Original message follows\./,
    ],
    // "<a@b>:" alone, or folded with its indented error line ("<a@b>: No such domain.").
    recipients: [new RegExp(`^<${addr}>:(?:\\s|$)`)],
    messages: [
      ['hostunknown', ["Sorry, I couldn't find any host "]],
      ['mailboxfull', ['disk quota exceeded']],
      ['mesgtoobig', ['Message size exceeds fixed maximum message size:']],
      [
        'networkerror',
        ["Sorry, I wasn't able to establish an SMTP connection", "Sorry. Although I'm listed as a best-preference MX or A for that host"],
      ],
      ['notaccept', ["Sorry, I couldn't find a mail exchanger or IP address"]],
      ['systemerror', ['bad interpreter: No such file or directory', 'system error', 'Unable to']],
      ['systemfull', ['Requested action not taken: mailbox unavailable (not enough free space)']],
      ['userunknown', ['no mailbox here by that name']],
      ['exceedlimit', ['The message exeeded the maximum size the user accepts']],
      [
        'suspend',
        [
          'Mailaddress is administrativly disabled',
          'Mailaddress is administrativley disabled',
          'Mailaddress is administratively disabled',
          'Mailaddress is administrativeley disabled',
        ],
      ],
      [
        'systemerror',
        [
          'Automatic homedir creator crashed',
          'Illegal value in LDAP attribute',
          'LDAP attribute is not given but mandatory',
          'Timeout while performing search on LDAP server',
          'Too many results returned but needs to be unique',
          'Permanent error while executing qmail-forward',
          'Temporary error in automatic homedir creation',
          'Temporary error while executing qmail-forward',
          'Temporary failure in LDAP lookup',
          'Unable to contact LDAP server',
          'Unable to login into LDAP server, bad credentials',
        ],
      ],
      ['expired', ['this message has been in the queue too long.']],
    ],
    commandReasons: { EHLO: 'blocked', HELO: 'blocked' },
    onhold: [[' does not like recipient.', 'this message has been in the queue too long.']],
  },
  {
    id: 'courier',
    name: 'Courier MTA',
    signals: [
      { from: /Courier mail server at / },
      { subject: /NOTICE: mail delivery status\.|WARNING: delayed mail\./ },
      { messageId: /^<courier\./ },
      { body: /running the Courier mail server/ },
    ],
    start: [/DELAYS IN DELIVERING YOUR MESSAGE/, /UNDELIVERABLE MAIL/],
    original: [/^Content-Type: (?:message\/rfc822|text\/rfc822-headers)/i],
    // "<a@b>:" alone, or folded with its indented error line ("<a@b>: No such domain.").
    recipients: [new RegExp(`^<${addr}>:(?:\\s|$)`)],
    messages: [
      ['hostunknown', ['No such domain.']],
      ['systemerror', ["This domain's DNS violates RFC 1035."]],
      ['networkerror', ['DNS lookup failed.']],
    ],
    delayed: [/DELAYS IN DELIVERING YOUR MESSAGE/],
  },
  {
    id: 'mailenable',
    name: 'MailEnable',
    // "\tRecipient: [SMTP:a@b]" then "\tReason: …", one pair per failed recipient; no reply codes.
    signals: [{ body: /^\s{0,8}Recipient: \[SMTP:[^\]\s]{3,254}\]/m }],
    pasted: /^\s{0,8}Recipient: \[SMTP:[^\]\s]{3,254}\]/,
    start: [/^Message could not be delivered to some recipients\./],
    recipients: [new RegExp(`^\\s{0,8}Recipient: \\[SMTP:${addr}\\]`)],
    messages: [['hostunknown', ['does not appear to be registered']]],
  },
  {
    id: 'opensmtpd',
    name: 'OpenSMTPD',
    signals: [
      { subject: /Delivery status notification/ },
      { from: /Mailer Daemon </ },
      { received: / \(OpenSMTPD\) with / },
      { body: /This is the MAILER-DAEMON, please DO NOT REPLY to this/ },
    ],
    need: 2,
    start: [/^\s{0,8}This is the MAILER-DAEMON, please DO NOT REPLY to this/],
    original: [/^\s{0,8}Below is a copy of the original message:/],
    recipients: [new RegExp(`^\\s{0,8}${addr}: `)],
    messages: [
      ['expired', ['Envelope expired']],
      ['securityerror', ['Could not retrieve credentials']],
      ['hostunknown', ['Invalid domain name', 'Domain does not exist']],
      [
        'networkerror',
        [
          'Address family mismatch on destination MXs',
          'All routes to destination blocked',
          'bad DNS lookup error code',
          'Could not retrieve source address',
          'Loop detected',
          'Network error on destination MXs',
          'No valid route to remote MX',
          'No valid route to destination',
          'Temporary failure in MX lookup',
        ],
      ],
      ['notaccept', ['Destination seem to reject all mails', 'No MX found for domain', 'No MX found for destination']],
    ],
    delayed: [/A message is delayed for more than/, /This is only a temporary failure report/],
  },
  {
    id: 'domino',
    name: 'HCL Domino',
    signals: [{ subject: /^DELIVERY FAILURE:|DELIVERY_FAILURE/ }],
    pasted: /^DELIVERY FAILURE: |^was not delivered to:\s*$/,
    start: [/^Your message/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^\\s{2,}${addr}\\s*$`)],
    sharedError: true,
    messages: [
      ['filtered', ['Cannot route mail to user']],
      ['systemerror', ['Several matches found in Domino Directory']],
      [
        'userunknown',
        [
          'not listed in Domino Directory',
          'not listed in public Name & Address Book',
          'no se encuentra en el Directorio de Domino',
          "non répertorié dans l'annuaire Domino",
          // The same in ISO-8859-1 read without its charset ("non r\uFFFDpertori\uFFFD …").
          "dans l'annuaire Domino",
          'Domino ディレクトリには見つかりません',
          'ディレクトリには見つかりません',
        ],
      ],
    ],
  },
  {
    id: 'notes',
    name: 'HCL (Lotus) Notes',
    signals: [{ subject: /^Undeliverable message/ }, { body: /^------- Failure Reasons/m }],
    start: [/^------- Failure Reasons/],
    original: [/^------- Returned Message --------/],
    recipients: [new RegExp(`^${addr}\\s*$`)],
    errorFirst: true,
    recipientFromOriginal: true,
    messages: [
      ['networkerror', ['Message has exceeded maximum hop count']],
      ['userunknown', ['User not listed in public Name & Address Book', 'ディレクトリのリストにありません']],
    ],
  },
  {
    id: 'imailserver',
    name: 'Progress IMail Server',
    signals: [{ subject: /^Undeliverable Mail / }, { header: 'x-mailer', value: /^<SMTP32 v/ }],
    pasted: /^Body of message generated response:/,
    original: [/^Original message follows\./],
    recipients: [new RegExp(`^[A-Za-z][^:@]{2,60}: ${addr}`), new RegExp(`^undeliverable to ${addr}`, 'i')],
    messages: [
      ['hostunknown', ['Unknown host']],
      ['userunknown', ['Unknown user', 'Invalid final delivery userid']],
      ['mailboxfull', ['User mailbox exceeds allowed size']],
      ['virusdetected', ['Requested action not taken: virus detected']],
      ['spamdetected', ['Blacklisted URL in message']],
      ['expired', ['Delivery failed ']],
    ],
  },
  {
    id: 'mdaemon',
    name: 'MDaemon',
    signals: [
      { header: 'x-mdaemon-deliver-to' },
      { header: 'x-mdsend-notifications-to' },
      { from: /MDaemon/i },
      { body: /MDaemon|Session Transcript|Permanent Failure/i },
    ],
    need: 2,
    start: [/^-{2,} ?Session Transcript/i, /The attached message had PERMANENT fatal delivery errors!/i],
    ignore: [/^\s{0,4}\S{2,4} \d{4}-\d\d-\d\d [\d:.]{8,12}: (?:\* {1,4}(?:From|Subject|Message-ID|P=)|Parsing message|Resolving|Waiting for)/],
    original: [/^-{2,} ?(?:original message|the message you sent)/i, /^Content-Type: message\/rfc822/i],
    recipients: [
      new RegExp(`^(?:Failed address|Recipient|Final-Recipient):\\s{0,8}<?${addr}`, 'i'),
      new RegExp(`^<${addr}>\\s*$`),
      new RegExp(`--> RCPT TO:\\s{0,2}<${addr}>`, 'i'),
      new RegExp(`: \\*\\s{1,4}To:\\s{0,4}<?${addr}`),
    ],
  },
  {
    id: 'hmailserver',
    name: 'hMailServer',
    signals: [
      { subject: /^Message undeliverable/i },
      { body: /Your message did not reach some or all of the intended recipients|The following recipient\(s\) could not be reached/i },
    ],
    need: 2,
    // Its per-recipient lines: "   hMailServer sent: RCPT TO:<a@b>", "   Remote server replied: 550 …".
    pasted: /^\s{0,8}hMailServer sent: /,
    original: [/^-{2,} ?original message/i, /^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^\\s{0,8}${addr}\\s*$`)],
  },
  {
    id: 'kerio',
    name: 'Kerio Connect',
    signals: [{ from: /Kerio/i }, { header: 'x-kerio' }, { body: /Kerio Connect|Your message could not be delivered to the following recipients/i }],
    need: 1,
    original: [/^-{2,} ?Original message/i, /^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^\\s{0,8}(?:Recipient:\\s{0,8})?<?${addr}>?\\s*$`)],
  },
  {
    id: 'kddi',
    name: 'au by KDDI',
    signals: [
      { from: /no-reply@\.|\.dion\.ne\.jp/ },
      { header: 'reply-to', value: /no-reply@app\.auone-net\.jp/ },
      { received: /ezweb\.ne\.jp \(|\.au\.com \(/ },
    ],
    required: [{ body: /Your mail (?:sent on|attempted to be delivered on):/ }],
    start: [/^Your mail (?:sent on|attempted to be delivered on):/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`Could not be delivered to: <${addr}>`)],
    messages: [
      ['mailboxfull', ['As their mailbox is full']],
      ['norelaying', ['Due to the following SMTP relay error']],
      ['hostunknown', ['As the remote domain doesnt exist']],
    ],
    commandReasons: { RCPT: 'userunknown' },
    headerReasons: [{ header: 'x-spasign', value: /^NG/i, reason: 'filtered' }],
  },
  {
    id: 'ezweb',
    name: 'au EZweb',
    signals: [
      { from: /Postmaster@ezweb\.ne\.jp/i },
      { from: /Postmaster@au\.com/i },
      { subject: /^Mail System Error - Returned Mail$/ },
      { received: /ezweb\.ne\.jp \(EZweb Mail\) with|\.au\.com \(/ },
      { messageId: /\.ezweb\.ne\.jp>|\.au\.com>/ },
    ],
    need: 2,
    start: [/^The user\(s\) /, /^Your message /, /^Each of the following/, /^</],
    pasted: /^The user\(s\) account is |^Each of the following recipients was rejected by a remote/,
    // "The user(s) account is disabled." comes before the "<a@b>: 550 …" line it explains.
    errorFirst: true,
    original: [/^-{50}/, /^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^<${addr}>`), new RegExp(`Recipient: <${addr}>`)],
    messages: [
      ['expired', ['Your message was not delivered within ']],
      ['mailboxfull', ['The user(s) account is temporarily over quota']],
      ['onhold', ['Each of the following recipients was rejected by a remote mail server']],
      ['suspend', ['The user(s) account is disabled.', 'The user(s) account is temporarily limited.']],
    ],
    headerReasons: [{ header: 'x-spasign', value: /^NG/i, reason: 'filtered' }],
  },
  {
    id: 'biglobe',
    name: 'BIGLOBE',
    signals: [{ from: /postmaster@(?:biglobe|inacatv|tmtv|ttv)\.ne\.jp/ }, { subject: /^Returned mail:/ }],
    need: 2,
    start: [/^ {0,3}----- The following addresses had delivery problems -----/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^${addr}\\s*$`)],
    messages: [
      ['filtered', ['Mail Delivery Failed... User unknown']],
      ['mailboxfull', ["The number of messages in recipient's mailbox exceeded the local limit."]],
    ],
  },
  {
    id: 'apachejames',
    name: 'Apache James',
    signals: [{ subject: /^\[BOUNCE\]$/ }, { messageId: /\.JavaMail\./ }, { received: /JAMES SMTP Server/ }],
    // AbstractNotify's "Error message below:"; before Verizon, whose "Message details:" block it shares.
    pasted: /^Error message below:/,
    original: [/^Content-Type: message\/rfc822/i],
    // "Message details:" lists "  RCPT TO: a@b" after the error, indented (so joined to its heading).
    recipients: [new RegExp(`(?:^|\\s)RCPT TO: ${addr}`)],
    errorFirst: true,
  },
  {
    id: 'verizon',
    name: 'Verizon Wireless',
    signals: [{ from: /post_master@vtext\.com|sysadmin@[A-Za-z0-9.-]{0,100}vzwpix\.com/i }],
    // Pasted without headers: "Sent date:" is a line of its own "Message details:" block only.
    pasted: /^ {2}Sent date: /,
    start: [/^Error: /],
    original: [/^Original Message:/, /^Message details:/],
    recipients: [],
    recipientFromOriginal: true,
    messages: [['userunknown', ['550 - Requested action not taken: no such user here', 'No valid recipients']]],
  },
  {
    id: 'messagingserver',
    name: 'Oracle Communications Messaging Server',
    signals: [{ header: 'content-type', value: /Boundary_\(ID_/ }, { subject: /^Delivery Notification: / }],
    start: [/^This report relates to a message you sent with the following header fields:/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^ {2}(?:Recipient|Original) address: ${addr}`)],
    messages: [['hostunknown', ['Illegal host/domain name found']]],
  },
  {
    id: 'interscanmss',
    name: 'Trend Micro InterScan MSS',
    signals: [{ from: /^"?InterScan/ }, { header: 'content-type', value: /InterScan/ }, { body: / InterScan / }],
    pasted: /^Sent <<< RCPT TO:|^Received >>> [245][0-9]{2} /,
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^Sent <<< RCPT TO:<${addr}>`, 'i'), new RegExp(`Unable to deliver message to <${addr}>`)],
    messages: [['userunknown', ['Unable to deliver']]],
  },
  {
    id: 'mfilter',
    name: 'Digital Arts m-FILTER',
    signals: [{ header: 'x-mailer', value: /^m-FILTER$/ }],
    pasted: /^-------server message\s*$/,
    original: [/^-------original (?:message|mail info)/],
    recipients: [new RegExp(`^${addr}\\s*$`)],
  },
  {
    id: 'activehunter',
    name: 'QUALITIA Active!hunter',
    signals: [{ header: 'x-ahmailid' }],
    start: [/^ {0,3}----- The following addresses had permanent fatal errors -----/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^>>> ${addr}`)],
  },
  {
    id: 'mailfoundry',
    name: 'MailFoundry',
    signals: [{ subject: /^Message delivery has failed$/ }, { received: /\(MAILFOUNDRY\) id/ }],
    need: 2,
    start: [/^Unable to deliver message to:/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^Unable to deliver message to: <${addr}>`)],
  },
  {
    id: 'surfcontrol',
    name: 'Websense SurfControl E-mail Filter',
    // "Addressed To: a@b", a date, then "a@b: [198.51.100.66], 550 a@b... No such user".
    signals: [{ header: 'x-sef-processed' }, { header: 'x-mailer', value: /^SurfControl E-mail Filter/ }],
    start: [/^Your message could not be sent\./],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^Addressed To:\\s{0,4}${addr}`)],
  },
  {
    id: 'powermta',
    name: 'PowerMTA',
    // "Hello, this is the mail server on …", " <a@b>  delivery failed; will not continue trying",
    // and a DSN whose recipient groups carry PowerMTA's own bounce category.
    signals: [{ subject: /^Delivery report/ }, { body: /^Hello, this is the mail server on /m }, { header: 'x-powermta-virtualmta' }],
    need: 2,
    start: [/^Hello, this is the mail server on /],
    original: [/^Content-Type: text\/rfc822-headers/i],
    recipients: [new RegExp(`^\\s{0,4}<${addr}>\\s{1,8}delivery (?:failed|delayed)`)],
    // PowerMTA's bounce categories; the ones in the retry set (userunknown, hostunknown,
    // expired, networkerror, systemerror) may still be refined by the shared rules.
    dsnReasons: {
      field: 'x-powermta-bouncecategory',
      values: {
        'bad-domain': 'hostunknown',
        'bad-mailbox': 'userunknown',
        'inactive-mailbox': 'suspend',
        'message-expired': 'expired',
        'no-answer-from-host': 'networkerror',
        'policy-related': 'policyviolation',
        'quota-issues': 'mailboxfull',
        'routing-errors': 'systemerror',
        'spam-related': 'spamdetected',
      },
    },
  },
  {
    id: 'mailmarshal',
    name: 'Trustwave MailMarshal',
    signals: [{ subject: /^Undeliverable Mail: "/ }],
    pasted: /^Could not be delivered because of\s*$/,
    start: [/^Your message:/],
    original: [/^'\+{20,}/],
    // "Your message:" echoes the original's From and Subject (indented): no server words.
    ignore: [/^\s{1,8}(?:From|Subject|To|Date|Sent):/],
    // "The following recipients were affected:" then the addresses, indented (joined to that line).
    recipients: [new RegExp(`(?:^ {4}|recipients were affected: )${addr}\\s*$`)],
    errorFirst: true,
  },
  {
    id: 'v5sendmail',
    name: 'Sendmail 5',
    signals: [{ subject: /^Returned mail: / }, { body: /^ {0,3}----- Unsent message follows -----|^ {0,3}----- No message was collected -----/m }],
    need: 2,
    start: [/----- Transcript of session follows -----/],
    original: [/^ {0,3}----- Unsent message follows -----/, /^ {0,3}----- No message was collected -----/],
    recipients: [new RegExp(`^\\d{3} <${addr}>\\.\\.\\.`), new RegExp(`^>>> RCPT To:\\s{0,3}<${addr}>`, 'i')],
  },
  {
    id: 'einsundeins',
    name: '1&1 (IONOS)',
    signals: [
      { from: /^"Mail Delivery System"/ },
      { subject: /^Mail delivery failed: returning message to sender$/ },
      { body: /--- The header of the original message is following\. ---/ },
    ],
    need: 3,
    start: [/^This message was created automatically by mail delivery software/],
    original: [/^--- The header of the original message is following\. ---/],
    recipients: [new RegExp(`^\\s{0,4}${addr}:?\\s*$`)],
    messages: [['mesgtoobig', ['Mail size limit exceeded']]],
  },
  {
    id: 'gmx',
    name: 'GMX / web.de (United Internet)',
    signals: [{ header: 'x-gmx-antispam' }, { header: 'x-ui-out-filterresults' }, { from: /mailer-daemon@(?:gmx\.[a-z]{2,3}|web\.de)\b/i }],
    start: [/^This message was created automatically by mail delivery software/],
    original: [/^--- The header of the original message is following\. ---/],
    recipients: [new RegExp(`^"${addr}":?\\s*$`), new RegExp(`^<${addr}>:?\\s*$`)],
    messages: [['expired', ['delivery retry timeout exceeded']]],
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    signals: [{ header: 'x-zohomail' }],
    start: [/^This message was created automatically by mail delivery/],
    original: [/^Received:/],
    recipients: [new RegExp(`^${addr} .{0,200}ERROR_CODE :`), new RegExp(`^\\[Status: .{0,40}Address: <${addr}>`)],
    messages: [['expired', ['Host not reachable']]],
  },
  {
    id: 'dragonfly',
    name: 'DragonFly Mail Agent',
    // The Received comment is often on a folded line: "\t(DragonFly Mail Agent v0.13)".
    signals: [{ subject: /Mail delivery failed/ }, { received: /\s\(DragonFly Mail Agent/ }],
    need: 2,
    start: [/^This is the DragonFly Mail Agent /],
    original: [/^Original message follows\./, /^Message headers follow/],
    recipients: [new RegExp(`^There was an error delivering your mail to <${addr}>`)],
    messages: [
      ['expired', ['Could not deliver for the last ']],
      ['hostunknown', ['DNS lookup failure: host ']],
    ],
  },
  {
    id: 'mimecast',
    name: 'Mimecast',
    signals: [{ subject: /Email Delivery Failure/ }, { messageId: /\.mimecast\.lan>$/ }],
    start: [/^-- /],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^-- ${addr}\\s*$`)],
  },
  {
    id: 'deutschetelekom',
    name: 'Deutsche Telekom (T-Online)',
    signals: [{ body: /^\|-{10,} Failed addresses follow: -{5,}\|/m }],
    start: [/^\|-{10,} Failed addresses follow: -{5,}\|/],
    original: [/^\|-{10,} Message (?:header|text) follows: -{5,}\|/],
    recipients: [new RegExp(`^ <${addr}>(?:\\s|$)`), new RegExp(`^ ${addr} \\.\\.\\. `)],
  },
  {
    id: 'messagelabs',
    name: 'Symantec.cloud (MessageLabs)',
    signals: [{ header: 'x-msg-ref' }, { from: /MAILER-DAEMON@messagelabs\.com/i }, { subject: /^Mail Delivery Failure/ }],
    need: 2,
    original: [/^Content-Type: text\/rfc822-headers/i],
    messages: [
      ['userunknown', ['No such user']],
      ['securityerror', ['Please turn on SMTP Authentication in your mail client']],
    ],
    // "542 <a@b> Rejected": the code and the word together (either alone says nothing).
    codes: { pattern: /\b(542) [^\n]{1,300}? Rejected\b/, reasons: { '542': 'userunknown' } },
  },
  {
    id: 'mcafee',
    name: 'McAfee Email Gateway',
    signals: [{ header: 'x-nai-header', value: /Modified by McAfee/ }, { subject: /^Delivery Status$/ }],
    need: 2,
    start: [/--- The following addresses had delivery problems ---/],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^<${addr}>\\s+\\(`)],
    messages: [['userunknown', [' unknown. ', 'Unknown user ', 'User not exist', 'No such user']]],
  },
  {
    id: 'fml',
    name: 'fml mailing list manager',
    signals: [{ header: 'x-mlserver' }, { from: /-admin@/ }, { messageId: /\.FML/ }],
    need: 3,
    // "… in <list@example.org>. Original mail as follows:" then the original's headers.
    original: [/^(?:Return-Path|Received|Date|From|Message-I[Dd]):/],
    recipients: [new RegExp(`<${addr}>`)],
    messages: [
      [
        'rejected',
        [
          ' header may cause mail loop',
          'NOT MEMBER article from ',
          'reject mail from ',
          'reject spammers:',
          'You are not a member of this mailing list',
        ],
      ],
      ['systemerror', [' has detected a loop condition so that', 'Duplicated Message-ID', 'Loop Back Warning:']],
      ['securityerror', ['Security alert:']],
    ],
    headerReasons: [
      { header: 'subject', value: / are not member|NOT MEMBER article from |reject mail |Spam mail from a spammer is rejected/, reason: 'rejected' },
      { header: 'subject', value: /fml system error message|Loop Alert: |Loop Back Warning: |WARNING: UNIX FROM Loop/, reason: 'systemerror' },
      { header: 'subject', value: /Security Alert/, reason: 'securityerror' },
    ],
  },
  {
    id: 'x1',
    name: 'Unidentified MTA #1',
    signals: [{ subject: /^Returned Mail: |^Mail Delivery Failure/ }, { from: /"Mail Deliver.{0,10}System" / }],
    start: [/^The original message was received at /],
    original: [/^Content-Type: message\/rfc822/i, /^Received: from /],
    recipients: [new RegExp(`^${addr} \\[`)],
  },
  {
    id: 'x2',
    name: 'Unidentified MTA #2',
    signals: [{ from: /MAILER-DAEMON@/ }, { subject: /^(?:Delivery failure|failure delivery|failed delivery)/ }],
    need: 2,
    start: [/^Unable to deliver message to the following address/],
    original: [/^--- Original message follows\./],
    recipients: [new RegExp(`^<${addr}>:`)],
  },
  {
    id: 'x3',
    name: 'Unidentified MTA #3',
    signals: [{ from: /^Mail Delivery System/ }, { subject: /^Delivery status notification/ }],
    need: 2,
    required: [{ body: /This is an automatically generated Delivery Status Notification\./ }],
    start: [/^\s{0,8}This is an automatically generated Delivery Status Notification\./],
    original: [/^Content-Type: message\/rfc822/i],
    recipients: [new RegExp(`^ {2}\\* ${addr}`)],
  },
  {
    id: 'x6',
    name: 'Unidentified MTA #6',
    signals: [{ subject: /^There was an error sending your mail/ }],
    start: [/^We had trouble delivering your message\. Full details follow:/],
    original: [/^The attachment contains the original mail headers/],
    recipients: [
      new RegExp(`^SMTP Server <[^>]{1,200}> rejected recipient <${addr}>`),
      new RegExp(`^The following recipients returned permanent errors: ${addr}`),
    ],
  },
  {
    id: 'barracuda',
    name: 'Barracuda appliance',
    signals: [{ subject: /blocked by our bulk email filter|Message you sent blocked/i }, { from: /barracuda/i }, { body: /Barracuda|Spam Firewall/ }],
    need: 1,
    original: [/^Content-Type: message\/rfc822/i],
    messages: [['spamdetected', ['blocked by our bulk email filter', 'Message content rejected', 'blocked by our Spam Firewall']]],
  },
];

/** Fields of an RFC 3464 report, the generic reader's recipient markers. */
export const DSN_FORMAT: Format = {
  id: 'rfc3464',
  name: 'RFC 3464 delivery status notification',
  signals: [],
  original: [/^Content-Type: (?:message\/rfc822|text\/rfc822-headers|message\/partial)/i],
};

/** Anything else: a pasted bounce or one SMTP reply line. */
export const TEXT_FORMAT: Format = { id: 'text', name: 'Pasted text', signals: [] };
