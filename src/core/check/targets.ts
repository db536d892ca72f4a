/**
 * Turning what a user typed into something a blocklist can be asked about: an IPv4 or
 * IPv6 address, or a domain name. Normalises the forms people paste (brackets, mail
 * addresses, trailing dots, IDN, upper case) and refuses addresses no public list can
 * have an opinion on, with a sentence saying why and what to check instead.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { getDomain, parse as parseDomain } from 'tldts';
import { TargetError, type ZoneKind } from './types.js';
import { quoted } from '../../reply/words.js';

export interface Target {
  readonly input: string;
  readonly kind: ZoneKind;
  /** Normalised form: dotted quad, compressed IPv6, or lower-case punycode name. */
  readonly value: string;
}

/** Documentation ranges (RFC 5737, RFC 3849): allowed, since examples and tests use them. */
const DOCUMENTATION = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'].map((c) => ipaddr.parseCIDR(c));

const REFUSED_RANGES: Readonly<Record<string, string>> = {
  private:
    'is a private address (RFC 1918): it never reaches other mail servers, so no blocklist lists it. Check the public IP your mail server sends from (its NAT or egress address).',
  uniqueLocal: 'is a unique-local IPv6 address (fc00::/7): it is never routed on the internet. Check the public address your mail server sends from.',
  loopback: 'is a loopback address: it only exists inside one machine. Check the public IP your mail server sends from.',
  linkLocal: 'is a link-local address: it only exists on one network segment. Check the public IP your mail server sends from.',
  carrierGradeNat:
    "is in the carrier-grade NAT range (100.64.0.0/10), shared behind your provider's NAT. Check the public IP the provider translates it to.",
  multicast: 'is a multicast address, not a host that sends mail. Check the unicast IP of your mail server.',
  unspecified: 'is the unspecified address, not a real host. Check the public IP of your mail server.',
  broadcast: 'is the broadcast address, not a real host. Check the public IP of your mail server.',
  reserved: 'is in a reserved range that is not used on the public internet. Check the public IP of your mail server.',
};

const MAX_INPUT = 300;

/** Parse and normalise one target. Throws TargetError with a friendly sentence. */
export function parseTarget(raw: string): Target {
  const input = raw;
  let text = raw.trim();
  if (text.length === 0) throw new TargetError('Give an IP address, IPv6 address, domain or host name to check.', input);
  if (text.length > MAX_INPUT) throw new TargetError(`That is too long for an address or domain name (${text.length} characters).`, input);
  // mailto:user@example.com, <user@example.com> and "user@example.com" as pasted from mail clients
  text = text
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .replace(/^"(.*)"$/, '$1');
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  text = text.replace(/^\[(.*)\]$/, '$1').replace(/^ipv6:/i, '');

  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return checkAddress(input, ipaddr.IPv4.parse(text));
  if (text.includes(':')) {
    if (text.includes('%'))
      throw new TargetError(
        `${quoted(text, 80)} has a zone index (%…), which only has meaning on one machine. Give the bare public IPv6 address.`,
        input,
      );
    if (!ipaddr.IPv6.isValid(text)) throw new TargetError(`${quoted(text, 80)} is not a valid IPv6 address.`, input);
    const v6 = ipaddr.IPv6.parse(text);
    // ::ffff:192.0.2.1 is an IPv4 address written as IPv6: check it as the IPv4 it is.
    if (v6.isIPv4MappedAddress()) return checkAddress(input, v6.toIPv4Address());
    return checkAddress(input, v6);
  }
  if (/^\d+(\.\d+)*\.?$/.test(text))
    throw new TargetError(`${quoted(text, 80)} is not a valid IPv4 address (four numbers from 0 to 255, like 203.0.113.5).`, input);
  return { input, kind: 'domain', value: normaliseName(text, input) };
}

function checkAddress(input: string, address: ipaddr.IPv4 | ipaddr.IPv6): Target {
  const kind: ZoneKind = address.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  const documentation = DOCUMENTATION.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
  if (!documentation) {
    const range = address.range();
    const why = REFUSED_RANGES[range] ?? (kind === 'ipv6' && !isGlobalUnicast(address as ipaddr.IPv6) ? REFUSED_RANGES.reserved : undefined);
    if (why) throw new TargetError(`${address.toString()} ${why}`, input);
  }
  return { input, kind, value: address.toString() };
}

/** Global unicast IPv6 is 2000::/3; anything else that ipaddr.js calls "unicast" is not routed. */
function isGlobalUnicast(address: ipaddr.IPv6): boolean {
  const first = address.parts[0] ?? 0;
  return first >= 0x2000 && first <= 0x3fff;
}

function normaliseName(text: string, input: string): string {
  let name = text.replace(/\.$/, '');
  if (/[^\x21-\x7e]/.test(name) && !/\s/.test(name)) {
    const ascii = domainToASCII(name);
    if (!ascii) throw new TargetError(`${quoted(text, 80)} is not a valid internationalised domain name.`, input);
    name = ascii;
  }
  name = name.toLowerCase();
  if (/\s/.test(name) || !/^[a-z0-9_.-]+$/.test(name)) {
    throw new TargetError(
      `${quoted(text, 80)} is not an IP address or a domain name. Give something like 203.0.113.5, 2001:db8::25 or mail.example.com.`,
      input,
    );
  }
  if (name.length > 253) throw new TargetError('That domain name is longer than DNS allows (253 characters).', input);
  const labels = name.split('.');
  if (labels.some((l) => l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) {
    throw new TargetError(`${quoted(text, 80)} is not a valid domain name (empty, over-long or hyphen-edged label).`, input);
  }
  if (labels.length < 2) throw new TargetError(`${quoted(text, 80)} is not a full domain name: give the public name, like mail.example.com.`, input);
  const parsed = parseDomain(name, { allowPrivateDomains: true });
  if (!parsed.domain || (!parsed.isIcann && !parsed.isPrivate)) {
    throw new TargetError(
      `${quoted(text, 80)} is not under a public domain suffix, so no public blocklist can list it. Give the public name of your mail server or domain.`,
      input,
    );
  }
  return name;
}

/** The registrable domain (example.co.uk for mail.example.co.uk), when it differs from the name. */
export function registrableDomain(name: string): string | null {
  const domain = getDomain(name, { allowPrivateDomains: false });
  return domain && domain !== name ? domain : null;
}

/** Is this address one that public lists can have an opinion on (used for a name's resolved addresses)? */
export function isCheckableAddress(ip: string): boolean {
  try {
    checkAddress(ip, ipaddr.parse(ip));
    return true;
  } catch {
    return false;
  }
}

/** What kind of target this looks like, for a "Checking N lists…" line only (parseTarget decides for real). */
export function guessTargetKind(input: string): 'ipv4' | 'ipv6' | 'domain' {
  const bare = input.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return 'ipv4';
  if (ipaddr.IPv6.isValid(bare)) return 'ipv6';
  return 'domain';
}

/** Split free text into targets (spaces, commas, semicolons); duplicates, ignoring case, once. */
export function splitTargets(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of text.split(/[\s,;]+/)) {
    if (word === '' || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    out.push(word);
  }
  return out;
}
