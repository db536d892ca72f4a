/**
 * What `/watch add` accepts: one IP (v4 or v6), a domain or hostname, or an IPv4 range
 * of at most a /24, which becomes one watch per address. Single targets are normalised
 * and validated by the checker itself (it owns the rules about private addresses and
 * names); ranges are expanded and screened here so a refused range costs no lookups.
 */
import { parseRange } from '../check/ranges.js';
import { TargetError } from '../check/types.js';
import { clip } from '../../reply/words.js';

export interface WatchTargetSpec {
  /** What the channel sees and removes by: the range in CIDR form, or the target as typed. */
  readonly label: string;
  /** Each address of a range; for a single target, the input (normalised later by the checker). */
  readonly targets: readonly string[];
  readonly isRange: boolean;
}

export function parseWatchTarget(input: string): WatchTargetSpec {
  const text = input.trim().replace(/^\[|\]$/g, '');
  if (text === '') throw new TargetError('Give a target to watch: an IP address, a domain, a hostname or an IPv4 range up to /24.', input);
  if (text.includes('/')) {
    const range = parseRange(text, input);
    return { label: range.label, targets: range.addresses, isRange: range.addresses.length > 1 };
  }
  if (text.length > 253 || !/^[\p{L}\p{N}._:-]+$/u.test(text)) {
    throw new TargetError(
      `"${clip(input.trim(), 41)}" is not an IP address, domain, hostname or IPv4 range; try 203.0.113.5, mail.example.com or 203.0.113.0/28.`,
      input,
    );
  }
  return { label: text.toLowerCase().replace(/\.$/, ''), targets: [text], isRange: false };
}
