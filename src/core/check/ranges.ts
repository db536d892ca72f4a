/**
 * IPv4 ranges as targets ("203.0.113.0/29"): /rbl, `rblbot check` and /watch add accept
 * up to a /24 (256 addresses, about 5,000 lookups on today's catalogue), expanded here
 * into their addresses. A range in a non-public block is refused before any lookup.
 */
import ipaddr from 'ipaddr.js';
import { nonDecimalIpv4, nonPublicRange } from '../address-policy.js';
import { quoted } from '../../reply/words.js';
import { TargetError } from './types.js';

/** The largest range accepted at once: a /24, 256 addresses. */
export const MAX_RANGE_PREFIX = 24;

export interface AddressRange {
  /** The network in CIDR form ("203.0.113.0/29"); a /128 or /32 is its bare address. */
  readonly label: string;
  /** Every address of the range, in order. */
  readonly addresses: readonly string[];
}

/** Does this text ask for a range (it has a prefix length)? */
export function isRangeText(text: string): boolean {
  return /^[\d.:a-f[\]]+\/\d+$/i.test(text.trim());
}

/** Expand a range; throws TargetError with a sentence for ranges that are too large, IPv6 or not public. */
export function parseRange(text: string, input = text): AddressRange {
  const trimmed = text.trim().replace(/^\[(.*)\](\/\d+)$/, '$1$2');
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  const [network] = trimmed.split('/');
  const notation = network !== undefined && !network.includes(':') ? nonDecimalIpv4(network) : undefined;
  if (notation) throw new TargetError(notation, input);
  try {
    [addr, prefix] = ipaddr.parseCIDR(trimmed);
    if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(network ?? '')) throw new Error('notation');
  } catch {
    throw new TargetError(`${quoted(input)} is not a valid range; write it like 203.0.113.0/28 (at most a /${MAX_RANGE_PREFIX}).`, input);
  }
  if (addr.kind() === 'ipv6') {
    if (prefix === 128) return { label: addr.toString(), addresses: [addr.toString()] };
    throw new TargetError('Only IPv4 ranges can be checked at once (up to a /24); give IPv6 addresses one at a time.', input);
  }
  if (prefix < MAX_RANGE_PREFIX) {
    const size = 2 ** (32 - prefix);
    throw new TargetError(
      `${trimmed} has ${size.toLocaleString('en-US')} addresses; at most a /${MAX_RANGE_PREFIX} (256 addresses) is checked at once. Split it into /24 ranges.`,
      input,
    );
  }
  const first = ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
  const why = nonPublicRange(first);
  if (why) throw new TargetError(`${first.toString()}/${prefix} is a ${why.label} range; blocklists only list public addresses.`, input);
  const base = first.toByteArray().reduce((n, b) => n * 256 + b, 0);
  const count = 2 ** (32 - prefix);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = base + i;
    addresses.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return { label: count > 1 ? `${first.toString()}/${prefix}` : first.toString(), addresses };
}
