/**
 * What to change when a server relays, per mail server family. The software is guessed
 * from the greeting or EHLO text; when it cannot be told, every family's advice is given.
 */
import type { MtaKind } from './types.js';

export function guessSoftware(text: string): MtaKind {
  if (/postfix/i.test(text)) return 'postfix';
  if (/\bexim\b/i.test(text)) return 'exim';
  if (/microsoft esmtp|exchange/i.test(text)) return 'exchange';
  if (/kerio/i.test(text)) return 'kerio';
  if (/sendmail/i.test(text)) return 'sendmail';
  return 'other';
}

export const SOFTWARE_NAMES: Record<MtaKind, string> = {
  postfix: 'Postfix',
  exim: 'Exim',
  exchange: 'Microsoft Exchange',
  kerio: 'Kerio Connect',
  sendmail: 'Sendmail',
  other: 'other servers',
};

const ADVICE: Record<Exclude<MtaKind, 'other'>, string[]> = {
  postfix: [
    'Keep reject_unauth_destination (or defer_unauth_destination) in smtpd_relay_restrictions, after permit_mynetworks and permit_sasl_authenticated only.',
    'Make mynetworks list only your own hosts (never 0.0.0.0/0 or a whole provider range); check `postconf -n`.',
    'relay_domains should hold only domains you are a backup MX for.',
    'For %/!/quote tricks: allow_percent_hack = no, swap_bangpath = no, resolve_dequoted_address = yes.',
  ],
  exim: [
    'In acl_check_rcpt, keep "require domains = +local_domains : +relay_to_domains" for hosts that are neither in +relay_from_hosts nor authenticated.',
    'hostlist relay_from_hosts must name only your own networks; domainlist relay_to_domains only domains you relay for.',
    'Leave percent_hack_domains empty.',
  ],
  exchange: [
    'On the anonymous (Default Frontend) receive connector, anonymous users must not hold Ms-Exch-SMTP-Accept-Any-Recipient.',
    'Check: Get-ReceiveConnector | Get-ADPermission -User "NT AUTHORITY\\ANONYMOUS LOGON" | where {$_.ExtendedRights -like "ms-Exch-SMTP-Accept-Any-Recipient"}.',
    'A relay connector for devices must limit RemoteIPRanges to those devices, never 0.0.0.0-255.255.255.255.',
  ],
  kerio: [
    'Configuration → SMTP Server → Relay Control: allow relaying only for an IP address group of your own hosts and for users authenticated through SMTP; never "Open relay".',
  ],
  sendmail: [
    "Remove FEATURE(`promiscuous_relay') and FEATURE(`loose_relay_check') (the latter enables the % hack) and rebuild sendmail.cf.",
    'In /etc/mail/access and relay-domains, give RELAY only to your own networks and domains you relay for.',
  ],
};

/** Advice lines for a detected family, or for all families when unknown. */
export function relayAdvice(kind: MtaKind | undefined): { software: string; lines: string[] }[] {
  if (kind && kind !== 'other') return [{ software: SOFTWARE_NAMES[kind], lines: ADVICE[kind] }];
  return (Object.keys(ADVICE) as (keyof typeof ADVICE)[]).map((k) => ({ software: SOFTWARE_NAMES[k], lines: ADVICE[k] }));
}

export const GENERAL_ADVICE =
  'Relay only for your own networks and for authenticated users; after fixing, run the test again. This test covers unauthenticated relaying only: a stolen mailbox password relays too, so check the logs for authenticated senders as well.';
