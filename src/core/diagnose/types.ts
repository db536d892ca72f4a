/**
 * Public types of bounce diagnosis. The CLI's `--json` output and the /diagnose reply
 * are built from these, so field names are part of the contract.
 */

/** Sisimai's reason vocabulary (5.2.0), plus the three "not a failure" pseudo-reasons. */
export const REASONS = [
  'authfailure',
  'badreputation',
  'blocked',
  'contenterror',
  'delivered',
  'exceedlimit',
  'expired',
  'failedstarttls',
  'feedback',
  'filtered',
  'hasmoved',
  'hostunknown',
  'mailboxfull',
  'mailererror',
  'mesgtoobig',
  'networkerror',
  'norelaying',
  'notaccept',
  'notcompliantrfc',
  'onhold',
  'policyviolation',
  'rejected',
  'requireptr',
  'securityerror',
  'spamdetected',
  'speeding',
  'suppressed',
  'suspend',
  'syntaxerror',
  'systemerror',
  'systemfull',
  'toomanyconn',
  'undefined',
  'userunknown',
  'vacation',
  'virusdetected',
] as const;

export type Reason = (typeof REASONS)[number];

/** A blocklist the bounce named, mapped to a catalogue zone. */
export interface NamedList {
  /** Catalogue zone name (e.g. "zen.spamhaus.org"). */
  readonly zone: string;
  /** Display name from the catalogue. */
  readonly name: string;
  /** What is listed according to the bounce: an IP or a domain; null when unknown. */
  readonly target: string | null;
  /** The list has been shut down: the bot never queries it. */
  readonly defunct: boolean;
  /** The words in the bounce that named it (untrusted text, short). */
  readonly namedAs: string;
}

/** A provider-specific code found in the reply, with what it means. */
export interface ProviderCode {
  readonly code: string;
  readonly provider: string;
  readonly meaning: string;
}

export interface AdviceLink {
  readonly label: string;
  readonly url: string;
}

/** One concrete step, most important first. */
export interface Advice {
  /** Machine-readable kind: delist, recheck, private-block, postmaster, relay-test, fix-ptr, … */
  readonly kind: string;
  readonly text: string;
  readonly links: readonly AdviceLink[];
}

/** The live re-check of the blamed IP (or listed domain), filled in by withLiveCheck. */
export interface LiveStatus {
  /** The IP or domain that was checked. */
  readonly target: string;
  /** "checked", or why not: "skipped" (--no-live), "error" (a sentence in `error`). */
  readonly state: 'checked' | 'skipped' | 'error';
  /** Per named list: listed | clean | refused | timeout | error | defunct. */
  readonly named: readonly { readonly zone: string; readonly status: string; readonly removalUrl: string | null }[];
  /** Every catalogue zone that lists the target right now. */
  readonly listedOn: readonly {
    readonly zone: string;
    readonly name: string;
    readonly meaning: string | null;
    readonly removalUrl: string | null;
    readonly listType: string;
  }[];
  readonly zonesChecked: number;
  /**
   * Of those, the lists that gave no answer (timeout, refusal, error): they are not "not
   * listed", and when none answered the re-check proves nothing.
   */
  readonly zonesUnanswered: number;
  /** PTR name of the checked IP, when the check found one. */
  readonly ptr?: string | null;
  readonly error?: string;
}

export interface Diagnosis {
  readonly reason: Reason;
  /** 5xx / failed: true; 4xx / delayed: false; null when nothing says. */
  readonly permanent: boolean | null;
  /** SMTP reply code, e.g. 550. */
  readonly replyCode: number | null;
  /** Enhanced status code, e.g. "5.7.1". */
  readonly status: string | null;
  readonly recipient: string | null;
  readonly remote: { readonly host: string | null; readonly ip: string | null };
  /** The sending IP the receiver blamed. */
  readonly senderIp: string | null;
  readonly lists: readonly NamedList[];
  /** The main provider code (e.g. "S3140"), and all found with meanings. */
  readonly providerCode: string | null;
  readonly providerCodes: readonly ProviderCode[];
  /** Who rejected, when a known provider: "Microsoft", "Yahoo", … */
  readonly provider: string | null;
  /** The server's own words (untrusted, trimmed to a sensible length). */
  readonly diagnostic: string | null;
  /** Is a blocklist or IP block the cause? */
  readonly blocklistProblem: boolean;
  /** One or two sentences: what happened. */
  readonly summary: string;
  readonly advice: readonly Advice[];
  readonly live: LiveStatus | null;
  /** ARF reports: abuse, fraud, virus, opt-out, auth-failure, not-spam… */
  readonly feedbackType?: string;
}

export interface DiagnoseResult {
  readonly diagnoses: readonly Diagnosis[];
  /** Set when the input could not be used at all (empty, binary, too large). */
  readonly error?: string;
  /** What kind of input it looked like: "mime", "text", "line". */
  readonly inputKind: 'mime' | 'text' | 'empty' | 'binary' | 'toolarge';
}

export const MAX_INPUT_BYTES = 1024 * 1024;
