/**
 * What a relay test returns. These shapes are also the `--json` output of
 * `rblbot relay`, so the documented names (target, hosts, host, ip, port, verdict,
 * tls, attempts, from, to, reply, accepted) must not change.
 */
import { UserError } from '../../reply/errors.js';

export type Verdict = 'open' | 'closed' | 'inconclusive';

/** What happened to one MAIL FROM / RCPT TO pair. */
export type AttemptOutcome =
  /** RCPT TO got 2xx: the server took a recipient it should not have. */
  | 'accepted'
  /** Refused for good (5xx, or Postfix-style 4xx "Relay access denied"). */
  | 'rejected'
  /** 4xx: greylisting, rate limits, temporary trouble. */
  | 'temporary'
  /** The attempt never got an answer (connection dropped, timeout, budget spent). */
  | 'untested';

export interface AttemptReport {
  /** Short id of the trick, e.g. "percent-hack". */
  readonly name: string;
  /** What the trick is, in words. */
  readonly label: string;
  /** Envelope sender as sent (between the angle brackets; "" is the null sender). */
  readonly from: string;
  /** Recipient as sent. */
  readonly to: string;
  /** The reply that decided the outcome (MAIL FROM's if it was refused, else RCPT TO's). */
  readonly reply: string;
  readonly accepted: boolean;
  readonly outcome: AttemptOutcome;
  /**
   * Set when an acceptance may be harmless: the server also accepted a made-up local
   * user, so a `user%external@own-domain` address may just go to a catch-all mailbox.
   */
  readonly ambiguous?: boolean;
}

export interface TlsReport {
  readonly offered: true;
  /** The handshake completed. */
  readonly ok: boolean;
  readonly protocol?: string;
  readonly cipher?: string;
  /** Certificate subject CN (or first DNS SAN). */
  readonly subject?: string;
  readonly altNames?: readonly string[];
  readonly issuer?: string;
  readonly selfSigned?: boolean;
  /** Chain verified against the system's trusted CAs. */
  readonly trusted?: boolean;
  /** OpenSSL's reason the chain was not trusted (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  readonly trustError?: string;
  /** The certificate names the host we connected to; null when we only had an IP. */
  readonly nameMatches?: boolean | null;
  readonly validTo?: string;
  /** Why STARTTLS or the handshake failed. */
  readonly error?: string;
}

export interface HostReport {
  /** The MX or host name, or the IP when the target was an IP. */
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  readonly verdict: Verdict;
  /** One sentence explaining the verdict. */
  readonly reason: string;
  /** null when the server did not offer STARTTLS (or was never reached). */
  readonly tls: TlsReport | null;
  readonly attempts: readonly AttemptReport[];
  /** MX preference when the host came from an MX record. */
  readonly preference?: number;
  /** The server's greeting (first line). */
  readonly banner?: string;
  /** The domain used for the "own domain" tricks, and where it came from. */
  readonly ownDomain?: string;
  readonly ownDomainSource?: 'target' | 'greeting' | 'ptr' | 'ip';
  /** Mail software guessed from the greeting, to pick the fix advice. */
  readonly software?: MtaKind;
  /** Connect-level trouble, for summaries ("port 25 looks blocked from here"). */
  readonly failure?: 'connect-timeout' | 'refused' | 'reset' | 'unreachable' | 'timeout' | 'dropped' | 'greeting' | 'protocol' | 'not-tested';
  /** Full conversation ("C: …", "S: …", "* note"), bounded. */
  readonly transcript: readonly string[];
}

export type MtaKind = 'postfix' | 'exim' | 'exchange' | 'kerio' | 'sendmail' | 'other';

export interface RelayReport {
  /** The target as the user typed it (normalised). */
  readonly target: string;
  readonly verdict: Verdict;
  /** How the hosts were found. */
  readonly via: 'mx' | 'address' | 'ip';
  readonly hosts: readonly HostReport[];
  /** Sentences about the whole test (skipped hosts, port 25 blocked here…). */
  readonly notes: readonly string[];
  readonly startedAt: string;
  readonly ms: number;
}

export type RelayTargetProblem = 'bad-input' | 'refused' | 'dns';

/** A target that cannot be tested; the message is a friendly sentence. */
export class RelayTargetError extends UserError {
  constructor(
    readonly problem: RelayTargetProblem,
    message: string,
  ) {
    super(message);
  }
}
