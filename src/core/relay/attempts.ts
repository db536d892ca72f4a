/**
 * The relay tricks, in the order they are tried. Each is one MAIL FROM / RCPT TO pair
 * whose recipient lies outside the server's domains, spelled the ways old relay checks
 * spelled them to slip past naive "is this domain mine?" tests.
 */

export interface AttemptPlan {
  readonly name: string;
  readonly label: string;
  /** Sender between the angle brackets ("" = null sender). */
  readonly from: string;
  /** The recipient as it goes on the RCPT TO line (usually with brackets). */
  readonly rcpt: string;
  /**
   * The recipient is formally at the server's own domain and only routes outward if
   * the server decodes it (%, !, quotes). A catch-all mailbox also accepts these, so
   * an acceptance needs the control check before it counts as open.
   */
  readonly viaOwnDomain: boolean;
}

export interface AttemptContext {
  /** The server's own domain, or its address literal "[203.0.113.5]" when unknown. */
  readonly own: string;
  /** The server's IP as an address literal: "[203.0.113.5]" or "[IPv6:2001:db8::25]". */
  readonly ipLiteral: string;
  /** A domain outside the server's control. */
  readonly external: string;
  /** A literal address outside the server (a documentation address). */
  readonly externalIp: string;
  readonly localPart: string;
}

export function buildAttempts(c: AttemptContext): AttemptPlan[] {
  const ext = `${c.localPart}@${c.external}`;
  const user = c.localPart;
  const plan = (name: string, label: string, from: string, rcpt: string, viaOwnDomain = false): AttemptPlan => ({
    name,
    label,
    from,
    rcpt,
    viaOwnDomain,
  });
  return [
    plan('plain', 'external sender to external recipient', `sender@${c.external}`, `<${ext}>`),
    plan('null-sender', 'null sender (bounce) to external recipient', '', `<${ext}>`),
    plan('own-sender', `sender forged from ${c.own}`, `postmaster@${c.own}`, `<${ext}>`),
    plan('ip-sender', "sender at the server's own IP literal", `postmaster@${c.ipLiteral}`, `<${ext}>`),
    plan('unbracketed', 'recipient without angle brackets', `sender@${c.external}`, ext),
    plan('percent-hack', 'percent hack (user%external@own)', `sender@${c.external}`, `<${user}%${c.external}@${c.own}>`, true),
    plan('percent-hack-ip', 'percent hack at the IP literal', `sender@${c.external}`, `<${user}%${c.external}@${c.ipLiteral}>`, true),
    plan('quoted', 'quoted local part ("user@external"@own)', `sender@${c.external}`, `<"${ext}"@${c.own}>`, true),
    plan('quoted-bare', 'quoted address without domain ("user@external")', `sender@${c.external}`, `<"${ext}">`),
    plan('bang-path', 'UUCP bang path (external!user@own)', `sender@${c.external}`, `<${c.external}!${user}@${c.own}>`, true),
    plan('bang-path-bare', 'bare bang path (external!user)', `sender@${c.external}`, `<${c.external}!${user}>`),
    plan('double-at', 'two at-signs (user@external@own)', `sender@${c.external}`, `<${ext}@${c.own}>`, true),
    plan('ip-literal', 'foreign IP literal (user@[192.0.2.1])', `sender@${c.external}`, `<${user}@${c.externalIp}>`),
    plan('source-route', 'source route (@own:user@external)', `sender@${c.external}`, `<@${c.own}:${ext}>`),
    plan('trailing-dot', 'recipient domain with a trailing dot', `sender@${c.external}`, `<${ext}.>`),
  ];
}

/** "[203.0.113.5]" or "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3). */
export function addressLiteral(ip: string): string {
  return ip.includes(':') ? `[IPv6:${ip}]` : `[${ip}]`;
}
