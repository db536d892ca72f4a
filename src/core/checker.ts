/**
 * The blocklist checker: turns a target into one lookup per applicable zone, runs them
 * all at once under shared caps, and classifies every answer. (Implementation landing.)
 */
import type { CheckReport } from './check-types.js';

export interface CheckOptions {
  /** Zones (catalogue zone names) to query in addition to the enabled ones, e.g. a list a bounce named. */
  readonly alsoZones?: readonly string[];
  /** Query only these zones (catalogue zone names). */
  readonly onlyZones?: readonly string[];
}

export interface Checker {
  /** Check one target. Throws TargetError (a friendly sentence) for input that cannot be checked. */
  check(input: string, options?: CheckOptions): Promise<CheckReport>;
  /** How many zones a check of this kind of target queries ("checking 41 lists…"). */
  zoneCount(kind: 'ipv4' | 'ipv6' | 'domain'): number;
}
