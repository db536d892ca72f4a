/**
 * One address policy for every feature that takes an IP from a user: /rbl and `rblbot
 * check` (a public blocklist can only have an opinion on a public address), /watch, and
 * /relay (which connects to what it is given, so it must never be pointed back at the
 * bot's own network).
 *
 * The ranges are the IANA special-purpose registries (IPv4 and IPv6) minus the entries
 * they mark globally reachable, plus every IPv6 address outside 2000::/3. ipaddr.js knows
 * most of them by name (its `range()`); the few it lumps together (its IPv4 "reserved")
 * are told apart here so that the sentence names the right range. Documentation ranges
 * (RFC 5737, RFC 3849, RFC 9637) stay allowed: examples and tests use them.
 *
 * Parsing is strict on purpose: only dotted-decimal IPv4 ("203.0.113.5"). inet_aton and
 * URL parsers read 010.0.0.1 as 8.0.0.1 and 0x7f.1 as 127.0.0.1, so such forms would
 * mean different addresses to different programs; they are refused with a sentence.
 */
import ipaddr from 'ipaddr.js';
import { quoted } from '../reply/words.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A range the bot does not check or contact, described for sentences. */
export interface NonPublicRange {
  /** Short adjective for ranges of addresses: "private (RFC 1918)", "reserved (240.0.0.0/4)". */
  readonly label: string;
  /** The address as a noun phrase: "a private address (RFC 1918)". */
  readonly what: string;
  /** Why it means nothing outside: "it never reaches other mail servers". */
  readonly why: string;
  /** What to look at instead, as a sentence. */
  readonly instead: string;
}

const PUBLIC_IP_INSTEAD = 'Check the public IP your mail server sends from.';

const range = (label: string, what: string, why: string, instead = PUBLIC_IP_INSTEAD): NonPublicRange => ({ label, what, why, instead });

/** ipaddr.js range names (both families) that are never public, with their words. */
const BY_NAME: Readonly<Record<string, NonPublicRange>> = {
  private: range(
    'private (RFC 1918)',
    'a private address (RFC 1918)',
    'it never reaches other mail servers',
    'Check the public IP your mail server sends from (its NAT or egress address).',
  ),
  uniqueLocal: range('unique-local (fc00::/7)', 'a unique-local IPv6 address (fc00::/7)', 'it is never routed on the internet'),
  deprecatedSiteLocal: range(
    'site-local (fec0::/10)',
    'a site-local IPv6 address (fec0::/10, deprecated by RFC 3879)',
    'it is never routed on the internet',
  ),
  loopback: range('loopback', 'a loopback address', 'it only exists inside one machine'),
  linkLocal: range('link-local', 'a link-local address', 'it only exists on one network segment'),
  carrierGradeNat: range(
    'carrier-grade NAT (RFC 6598)',
    'in the carrier-grade NAT range (100.64.0.0/10)',
    "it is shared behind your provider's NAT",
    'Check the public IP the provider translates it to.',
  ),
  multicast: range('multicast', 'a multicast address', 'it is not a host that sends mail', 'Check the unicast IP of your mail server.'),
  unspecified: range('unspecified', 'the unspecified address ("this network")', 'it is not a real host'),
  broadcast: range('broadcast', 'the broadcast address', 'it is not a real host'),
  discard: range('discard-only (100::/64)', 'in the discard-only range (100::/64)', 'traffic to it is thrown away'),
  rfc6145: range('IPv4-translated (::ffff:0:0:0/96)', 'an IPv4-translated address (::ffff:0:0:0/96)', 'it only exists inside a translator'),
  benchmarking: range('benchmarking', 'in a benchmarking range (RFC 2544/RFC 5180)', 'it is only used in test labs'),
  deprecatedOrchid: range('ORCHID', 'an ORCHID identifier (2001:10::/28)', 'it is an identifier, not a routable address'),
  orchid2: range('ORCHIDv2', 'an ORCHIDv2 identifier (2001:20::/28)', 'it is an identifier, not a routable address'),
  segmentRouting: range('SRv6 SID (5f00::/16)', 'a segment-routing identifier (5f00::/16)', 'it is never routed on the internet'),
  reserved: range('reserved', 'in a reserved range', 'it is not used on the public internet'),
};

/**
 * IPv4 ranges inside ipaddr.js's one "reserved" name, told apart; the documentation
 * ranges among them are allowed and so never looked up here.
 */
const IPV4_RESERVED: readonly [string, NonPublicRange][] = [
  ['192.0.0.0/24', range('IETF protocol assignments (192.0.0.0/24)', 'an IETF protocol assignment (192.0.0.0/24)', 'it is not a public host')],
  [
    '192.88.99.0/24',
    range('6to4 relay anycast (192.88.99.0/24)', 'the deprecated 6to4 relay anycast range (192.88.99.0/24)', 'it is not a mail server'),
  ],
  ['198.18.0.0/15', BY_NAME.benchmarking!],
  ['240.0.0.0/4', range('reserved (240.0.0.0/4)', 'in the reserved range 240.0.0.0/4', 'it is not used on the public internet')],
];

/** IANA marks these globally reachable although their blocks are special. */
const GLOBALLY_REACHABLE = ['192.0.0.9/32', '192.0.0.10/32', '2001:1::1/128', '2001:1::2/128', '2001:1::3/128'];

/** RFC 5737, RFC 3849, RFC 9637: allowed, since examples and tests use them. */
const DOCUMENTATION = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'];

/**
 * The ranges of one family, parsed on first use: ipaddr.js's IPv6 parser is regular
 * expressions compiled on first call, which an IPv4 check never needs.
 */
const parsed = new Map<string, [Address, number][]>();
function ranges(cidrs: readonly string[], kind: 'ipv4' | 'ipv6'): [Address, number][] {
  const key = `${kind} ${cidrs[0]}`;
  let list = parsed.get(key);
  if (!list) {
    // The family's own parser: ipaddr.parseCIDR tries IPv6 first, compiling those expressions for an IPv4 range too.
    const parse = (c: string): [Address, number] => (kind === 'ipv6' ? ipaddr.IPv6.parseCIDR(c) : ipaddr.IPv4.parseCIDR(c));
    list = cidrs.filter((c) => c.includes(':') === (kind === 'ipv6')).map(parse);
    parsed.set(key, list);
  }
  return list;
}

/** Special IPv6 blocks that stand for an IPv4 address; the sentence names that address. */
function embeddedIpv4(address: ipaddr.IPv6, name: string): NonPublicRange | undefined {
  const bytes = address.toByteArray();
  if (name === 'rfc6052' && address.match(ipaddr.IPv6.parse('64:ff9b:1::'), 48)) {
    // Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the operator's prefix length.
    return range(
      'local-use NAT64 (64:ff9b:1::/48)',
      'a local-use NAT64 address (64:ff9b:1::/48, RFC 8215)',
      'where a NAT64 gateway exists it reaches an IPv4 address of that network, which may be an internal one',
      'Check the IPv4 address it stands for itself.',
    );
  }
  if (name === 'rfc6052') {
    const v4 = new ipaddr.IPv4(bytes.slice(12, 16)).toString();
    return range(
      'NAT64 (64:ff9b::/96)',
      `a NAT64 address (64:ff9b::/96) standing for the IPv4 address ${v4}`,
      'where a NAT64 gateway exists it reaches that IPv4 address, which may be an internal one',
      `Check ${v4} itself.`,
    );
  }
  if (name === '6to4') {
    const v4 = new ipaddr.IPv4(bytes.slice(2, 6)).toString();
    return range(
      '6to4 (2002::/16)',
      `a 6to4 address (2002::/16, deprecated by RFC 7526) embedding the IPv4 address ${v4}`,
      'it is carried over that IPv4 address',
      `Check ${v4} itself.`,
    );
  }
  if (name === 'teredo') {
    return range('Teredo (2001::/32)', 'a Teredo tunnel address (2001::/32)', 'it is a tunnel endpoint, not a mail server');
  }
  return undefined;
}

function inAny(address: Address, cidrs: readonly string[]): boolean {
  return ranges(cidrs, address.kind()).some(([net, bits]) => address.match(net, bits));
}

export function isDocumentationAddress(address: Address): boolean {
  return inAny(address, DOCUMENTATION);
}

/** Why `address` is not a public unicast address, or undefined when it is one (documentation ranges count as public). */
export function nonPublicRange(address: Address): NonPublicRange | undefined {
  if (inAny(address, DOCUMENTATION) || inAny(address, GLOBALLY_REACHABLE)) return undefined;
  if (address.kind() === 'ipv4') {
    const name = address.range();
    if (name === 'reserved') return IPV4_RESERVED.find(([cidr]) => address.match(ipaddr.IPv4.parseCIDR(cidr)))?.[1] ?? BY_NAME.reserved;
    return BY_NAME[name];
  }
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return nonPublicRange(v6.toIPv4Address());
  const name = v6.range();
  const embedded = embeddedIpv4(v6, name);
  if (embedded) return embedded;
  if (BY_NAME[name]) return BY_NAME[name];
  // Global unicast is 2000::/3; anything else ipaddr.js calls "unicast" is not routed.
  const first = v6.parts[0] ?? 0;
  return first >= 0x2000 && first <= 0x3fff ? undefined : BY_NAME.reserved;
}

/** A sentence on why an IPv4 text in another notation is refused, or undefined for ordinary text. */
export function nonDecimalIpv4(text: string): string | undefined {
  // Host names never end in a numeric label (no top-level domain is numeric), so text whose
  // every label is a number in some base is an IPv4 address written another way.
  if (!/^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}\.?$/i.test(text)) return undefined;
  // Four plain decimal numbers are the usual notation, valid or not (300.1.1.1 is just wrong).
  if (/^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/.test(text)) return undefined;
  const example = ipaddr.IPv4.isValid(text.replace(/\.$/, ''))
    ? ` (${text} could be read as ${ipaddr.IPv4.parse(text.replace(/\.$/, '')).toString()})`
    : '';
  return `${quoted(text, 60)} is not a dotted-decimal IPv4 address: write four numbers from 0 to 255 without leading zeros, like 203.0.113.5. Octal, hexadecimal and shortened forms mean different addresses to different programs${example}.`;
}

/**
 * An IP address in the one accepted notation: dotted-decimal IPv4 or IPv6 (an IPv4-mapped
 * IPv6 address comes back as its IPv4 address). Undefined for anything else, including
 * IPv4 in another notation (see nonDecimalIpv4) and IPv6 with a zone index.
 */
export function parseAddress(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  // "::ffff:010.0.0.1": the dotted tail must be plain decimal too.
  const tail = /:([^:]*\.[^:]*)$/.exec(text)?.[1];
  if (tail !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** The canonical text of an address (IPv4-mapped IPv6 as IPv4), or undefined when `text` is not one. */
export function canonicalAddress(text: string): string | undefined {
  return parseAddress(text)?.toString();
}
