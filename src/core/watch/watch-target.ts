/**
 * What `/watch add` accepts: one IP (v4 or v6), a domain or hostname, or an IPv4 range
 * of at most a /24, which becomes one watch per address. Single targets are normalised
 * and validated by the checker itself (it owns the rules about private addresses and
 * names); ranges are expanded and screened here so a refused range costs no lookups.
 */
import ipaddr from 'ipaddr.js';
import { TargetError } from '../check/types.js';
import { clip } from '../../reply/words.js';

/** The largest range one `/watch add` accepts (256 addresses). */
export const MAX_RANGE_PREFIX = 24;

export interface WatchTargetSpec {
  /** What the channel sees and removes by: the range in CIDR form, or the target as typed. */
  readonly label: string;
  /** Each address of a range; for a single target, the input (normalised later by the checker). */
  readonly targets: readonly string[];
  readonly isRange: boolean;
}

/** Ranges that are never on a public blocklist; checking them only wastes lookups. */
const NON_PUBLIC = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private']);

export function parseWatchTarget(input: string): WatchTargetSpec {
  const text = input.trim().replace(/^\[|\]$/g, '');
  if (text === '') throw new TargetError('Give a target to watch: an IP address, a domain, a hostname or an IPv4 range up to /24.', input);
  if (text.includes('/')) return parseRange(text, input);
  if (text.length > 253 || !/^[\p{L}\p{N}._:-]+$/u.test(text)) {
    throw new TargetError(
      `"${clip(input.trim(), 41)}" is not an IP address, domain, hostname or IPv4 range; try 203.0.113.5, mail.example.com or 203.0.113.0/28.`,
      input,
    );
  }
  return { label: text.toLowerCase().replace(/\.$/, ''), targets: [text], isRange: false };
}

function parseRange(text: string, input: string): WatchTargetSpec {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    [addr, prefix] = ipaddr.parseCIDR(text);
  } catch {
    throw new TargetError(`"${clip(input.trim(), 41)}" is not a valid range; write it like 203.0.113.0/28 (at most a /${MAX_RANGE_PREFIX}).`, input);
  }
  if (addr.kind() === 'ipv6') {
    if (prefix === 128) return { label: addr.toString(), targets: [addr.toString()], isRange: false };
    throw new TargetError('Only IPv4 ranges can be watched (up to a /24); watch IPv6 addresses one at a time.', input);
  }
  const v4 = addr as ipaddr.IPv4;
  if (prefix < MAX_RANGE_PREFIX) {
    const size = 2 ** (32 - prefix);
    throw new TargetError(
      `${text} has ${size.toLocaleString('en-US')} addresses; one watch covers at most a /${MAX_RANGE_PREFIX} (256 addresses). Add it as several /24 ranges.`,
      input,
    );
  }
  const range = v4.range();
  if (NON_PUBLIC.has(range)) {
    throw new TargetError(`${text} is a ${describeRange(range)} range; blocklists only list public addresses.`, input);
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${v4.toString()}/${prefix}`);
  const base = network.toByteArray().reduce((n, b) => n * 256 + b, 0);
  const count = 2 ** (32 - prefix);
  const targets: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = base + i;
    targets.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return { label: `${network.toString()}/${prefix}`, targets, isRange: count > 1 };
}

function describeRange(range: string): string {
  switch (range) {
    case 'private':
      return 'private (RFC 1918)';
    case 'carrierGradeNat':
      return 'carrier-grade NAT (RFC 6598)';
    case 'linkLocal':
      return 'link-local';
    default:
      return range;
  }
}
