/**
 * Turning what a user typed into something a blocklist can be asked about: an IPv4 or
 * IPv6 address, or a domain name. Normalises the forms people paste (brackets, mail
 * addresses, trailing dots, IDN, upper case) and refuses addresses no public list can
 * have an opinion on, with a sentence saying why and what to check instead.
 */
import { domainToASCII } from 'node:url';
import { createRequire } from 'node:module';
import type * as Tldts from 'tldts';
import { nonDecimalIpv4, nonPublicRange, parseAddress, type Address } from '../address-policy.js';
import { isRangeText } from './ranges.js';
import { TargetError, type ZoneKind } from './types.js';
import { quoted } from '../../reply/words.js';

export interface Target {
  readonly input: string;
  readonly kind: ZoneKind;
  /** Normalised form: dotted quad, compressed IPv6, or lower-case punycode name. */
  readonly value: string;
}

const MAX_INPUT = 300;

type PublicSuffixes = typeof Tldts;
let publicSuffixList: PublicSuffixes | undefined;

/**
 * tldts (the public suffix list) on first use: only names need it, and loading it costs
 * a one-IP check about a tenth of its whole run (bench/startup.bench.ts).
 */
function publicSuffixes(): PublicSuffixes {
  return (publicSuffixList ??= createRequire(import.meta.url)('tldts') as PublicSuffixes);
}

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
  const port = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (port)
    throw new TargetError(
      `${quoted(text, 80)} has a port (:${port[3]}); ports are not part of a blocklist target (lists look up addresses and names). Give just ${port[1] ?? port[2]}.`,
      input,
    );
  text = text.replace(/^\[(.*)\]$/, '$1').replace(/^ipv6:/i, '');

  const address = parseAddress(text);
  if (address) return checkAddress(input, address);
  if (text.includes(':')) {
    if (text.includes('%'))
      throw new TargetError(
        `${quoted(text, 80)} has a zone index (%…), which only has meaning on one machine. Give the bare public IPv6 address.`,
        input,
      );
    throw new TargetError(`${quoted(text, 80)} is not a valid IPv6 address.`, input);
  }
  const notation = nonDecimalIpv4(text);
  if (notation) throw new TargetError(notation, input);
  if (/^\d+(\.\d+)*\.?$/.test(text))
    throw new TargetError(`${quoted(text, 80)} is not a valid IPv4 address (four numbers from 0 to 255, like 203.0.113.5).`, input);
  return { input, kind: 'domain', value: normaliseName(text, input) };
}

/** The sentence refusing an address no public list can list, or undefined when it is checkable. */
export function refusalFor(address: Address): string | undefined {
  const why = nonPublicRange(address);
  return why ? `${address.toString()} is ${why.what}: ${why.why}, so no public blocklist lists it. ${why.instead}` : undefined;
}

function checkAddress(input: string, address: Address): Target {
  const refusal = refusalFor(address);
  if (refusal) throw new TargetError(refusal, input);
  return { input, kind: address.kind() === 'ipv4' ? 'ipv4' : 'ipv6', value: address.toString() };
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
  const parsed = publicSuffixes().parse(name, { allowPrivateDomains: true });
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
  const domain = publicSuffixes().getDomain(name, { allowPrivateDomains: false });
  return domain && domain !== name ? domain : null;
}

/** Is this address one that public lists can have an opinion on (used for a name's resolved addresses)? */
export function isCheckableAddress(ip: string): boolean {
  const address = parseAddress(ip);
  return address !== undefined && nonPublicRange(address) === undefined;
}

/** What kind of target this looks like, for a "Checking N lists…" line only (parseTarget decides for real). */
export function guessTargetKind(input: string): 'ipv4' | 'ipv6' | 'domain' {
  const bare = input.trim().replace(/^\[(.*)\]$/, '$1');
  if (isRangeText(bare)) return 'ipv4';
  const address = parseAddress(bare);
  return address ? (address.kind() === 'ipv4' ? 'ipv4' : 'ipv6') : 'domain';
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
