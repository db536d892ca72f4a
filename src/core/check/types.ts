/**
 * Result types of a blocklist check. These are the checker's public contract: the CLI's
 * `--json` output, the /rbl reply, watches and bounce diagnosis all read them.
 */
import { UserError } from '../../reply/errors.js';

/** What a catalogue zone can be asked about. */
export type ZoneKind = 'ipv4' | 'ipv6' | 'domain';

/**
 * block: evidence of abuse. policy: not evidence of spam (dynamic ranges, no PTR,
 * provider-wide listings). reputation: graded, may answer for good senders too.
 * allow: an allow-list; a hit is good news and never counted as a listing.
 */
export type ListType = 'block' | 'policy' | 'reputation' | 'allow';

/** Exactly one per lookup. A timeout or error is never "clean". */
export type LookupStatus = 'listed' | 'clean' | 'refused' | 'timeout' | 'error';

export interface LookupResult {
  /** The zone queried, with any access key replaced by `<key>`. */
  readonly zone: string;
  /** The list's display name. */
  readonly name: string;
  /** The list type, refined by the answer's code where the zone mixes types (ZEN's PBL codes are `policy`). */
  readonly listType: ListType;
  /** The IP address or name that was looked up. */
  readonly query: string;
  readonly status: LookupStatus;
  /** A records returned (for listed and refused). */
  readonly codes: readonly string[];
  /** What the codes mean for this list (listed), or why the query failed (refused/error/timeout). */
  readonly meaning: string | null;
  /** The list's TXT reason, when it publishes one. Untrusted text. */
  readonly txt: string | null;
  /** Where to ask for removal and to look the listing up; null for clean results. */
  readonly removalUrl: string | null;
  readonly lookupUrl: string | null;
  /** For refused/error: one sentence on how to fix it. */
  readonly fix: string | null;
  /** Milliseconds from sending the query to its outcome. */
  readonly ms: number;
}

export interface CheckSummary {
  /** Block, policy and reputation listings; never allow-list hits. */
  readonly listed: number;
  readonly clean: number;
  readonly refused: number;
  readonly timeout: number;
  readonly error: number;
  /** Allow-list hits (good news). */
  readonly allowed: number;
}

export interface CheckReport {
  /** The normalised target (lower-case, punycode, no brackets or trailing dot). */
  readonly target: string;
  /** What the user typed. */
  readonly input: string;
  readonly kind: ZoneKind;
  /** PTR name of an IP target (the first, if several); null when none or for names. */
  readonly ptr: string | null;
  /** PTR name resolves back to the IP (forward-confirmed reverse DNS); null for names and when unknown. */
  readonly fcrdns: boolean | null;
  /**
   * Why the PTR lookup gave no answer ("no answer within 4000 ms"); then `ptr` and
   * `fcrdns` are null because they are unknown, not because there is no PTR.
   */
  readonly ptrError: string | null;
  /** For a name: the addresses it resolved to (each checked on IP lists). */
  readonly addresses: readonly string[];
  /**
   * For a name: why its addresses are unknown (the resolver did not answer, or cannot be
   * trusted to say a name does not exist); then `addresses` is empty because they are
   * unknown, not because the name has none. Null for IPs and when the lookup was answered.
   */
  readonly addressesError: string | null;
  /** For a name: the registrable domain also checked, when it differs from the name. */
  readonly registrableDomain: string | null;
  readonly results: readonly LookupResult[];
  readonly summary: CheckSummary;
  /** The resolvers asked (host or host:port, as configured). */
  readonly resolvers: readonly string[];
  /**
   * Set when the resolver, not the lists, is the problem: one sentence naming it (every
   * lookup failed the same way, or most lists fail their RFC 5782 test points). The
   * results are all still there, each with its own status.
   */
  readonly resolverProblem: string | null;
  /** Notes for the user: public resolver detected, zones skipped as unhealthy, … */
  readonly notes: readonly string[];
  /** Wall time of the whole check. */
  readonly ms: number;
}

/** Input that cannot be checked: a sentence for the user saying why and what to do. */
export class TargetError extends UserError {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}
