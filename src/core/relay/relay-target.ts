/**
 * Turning what the user typed into the SMTP servers to talk to: "203.0.113.5",
 * "[2001:db8::25]:2525", "mail.example.com:587", "example.com" (its MX hosts by
 * preference, or its own A/AAAA when it has no MX: the implicit MX of RFC 5321 §5.1).
 */
import net from 'node:net';
import { getDomain } from 'tldts';
import { canonicalAddress, nonDecimalIpv4, nonPublicRange, parseAddress } from '../address-policy.js';
import { RelayDnsError, type RelayDns } from './dns.js';
import { RelayTargetError } from './types.js';

export interface ParsedTarget {
  /** Normalised text for reports. */
  readonly display: string;
  readonly kind: 'ip' | 'name';
  /** The IP or the lower-case name without trailing dot. */
  readonly value: string;
  /** Explicit port, if given. */
  readonly port?: number;
}

export interface PlannedHost {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  readonly preference?: number;
  /** Set when this address must not be contacted; the sentence says why. */
  readonly refused?: string;
  /** The MX host did not resolve (or its lookup failed). */
  readonly unresolved?: string;
}

export interface TargetPlan {
  readonly target: ParsedTarget;
  readonly via: 'mx' | 'address' | 'ip';
  readonly hosts: PlannedHost[];
  /** The server's own domain when the target names it. */
  readonly ownDomain?: string;
  readonly notes: string[];
}

export interface PlanOptions {
  readonly dns: RelayDns;
  readonly defaultPort: number;
  readonly allowPrivate: boolean;
  /** Most addresses contacted per test. */
  readonly maxHosts: number;
  /** Most MX hosts looked at per domain. */
  readonly maxMx: number;
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parse the typed target; throws RelayTargetError('bad-input') with a friendly sentence. */
export function parseTarget(input: string): ParsedTarget {
  let text = input.trim();
  if (text === '') throw new RelayTargetError('bad-input', 'Give a domain, a mail server name or an IP address to test.');
  // People paste what they have: "smtp://host", "<postmaster@example.com>", "mailto:".
  text = text.replace(/^(smtp|mailto):(\/\/)?/i, '').replace(/^<|>$/g, '');
  const at = text.lastIndexOf('@');
  if (at >= 0 && !text.startsWith('[')) text = text.slice(at + 1);

  let hostPart = text;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    hostPart = bracket[1]!;
    portText = bracket[2];
    // "[203.0.113.5]" is how an address literal appears in mail; accept it for IPv4 too.
    hostPart = hostPart.replace(/^IPv6:/i, '');
    if (net.isIP(hostPart) === 0) throw new RelayTargetError('bad-input', `"${short(text)}" is not an IP address in brackets.`);
  } else if (net.isIPv6(text)) {
    hostPart = text;
  } else {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (m) {
      hostPart = m[1]!;
      portText = m[2];
    } else if (text.includes(':')) {
      throw new RelayTargetError('bad-input', `"${short(text)}" is not a host, IP or host:port (write IPv6 with a port as [2001:db8::25]:25).`);
    }
  }

  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RelayTargetError('bad-input', `Port ${short(portText)} is not a port number (1-65535).`);
    }
  }

  const notation = nonDecimalIpv4(hostPart);
  if (notation) throw new RelayTargetError('bad-input', notation);
  if (net.isIP(hostPart)) {
    const ip = canonicalAddress(hostPart);
    if (!ip) throw new RelayTargetError('bad-input', `"${short(hostPart)}" is not an IP address in the usual notation.`);
    const display = port === undefined ? ip : net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
    return { display, kind: 'ip', value: ip, port };
  }
  const name = hostPart.toLowerCase().replace(/\.$/, '');
  let ascii: string;
  try {
    // Accept IDNs by their ASCII form; URL does the punycode for us.
    ascii = new URL(`http://${name}`).hostname;
  } catch {
    throw new RelayTargetError('bad-input', `"${short(hostPart)}" is not a valid host or domain name.`);
  }
  if (!HOSTNAME.test(ascii) || !ascii.includes('.')) {
    throw new RelayTargetError('bad-input', `"${short(hostPart)}" is not a valid host or domain name (expected something like mail.example.com).`);
  }
  return { display: port === undefined ? ascii : `${ascii}:${port}`, kind: 'name', value: ascii, port };
}

/** Why an address must not be contacted (the one address policy /rbl and /watch use too), or undefined when it may be. */
export function privateAddressReason(ip: string): string | undefined {
  const address = parseAddress(ip);
  if (!address) return `${ip} is not an IP address in the usual notation`;
  const why = nonPublicRange(address);
  return why ? `${ip} is ${why.what}` : undefined;
}

/** Resolve the target to the addresses to probe, refusing private ones unless allowed. */
export async function planTarget(input: string, options: PlanOptions): Promise<TargetPlan> {
  const target = parseTarget(input);
  const port = target.port ?? options.defaultPort;
  const notes: string[] = [];

  if (target.kind === 'ip') {
    const reason = privateAddressReason(target.value);
    if (reason && !options.allowPrivate) {
      throw new RelayTargetError(
        'refused',
        `${reason}; the relay test only contacts public addresses (set RBLBOT_ALLOW_PRIVATE=1 to allow it in a lab).`,
      );
    }
    return { target, via: 'ip', hosts: [{ host: target.value, ip: target.value, port }], notes };
  }

  const name = target.value;
  let mx;
  try {
    mx = await options.dns.resolveMx(name);
  } catch (err) {
    throw dnsTrouble(err, name);
  }
  if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) {
    throw new RelayTargetError(
      'bad-input',
      `${name} publishes a null MX (RFC 7505): it accepts no mail, so there is no mail server to test. Give a mail server's name or IP instead.`,
    );
  }

  const hosts: PlannedHost[] = [];
  let via: TargetPlan['via'];
  if (mx.length > 0) {
    via = 'mx';
    const seen = new Set<string>();
    const ordered = mx
      .map((m) => ({ exchange: m.exchange.toLowerCase().replace(/\.$/, ''), priority: m.priority }))
      .filter((m) => m.exchange !== '' && !seen.has(m.exchange) && seen.add(m.exchange))
      .sort((a, b) => a.priority - b.priority);
    if (ordered.length > options.maxMx) {
      notes.push(`${name} has ${ordered.length} MX hosts; tested the first ${options.maxMx} by preference.`);
    }
    for (const m of ordered.slice(0, options.maxMx)) {
      try {
        const ips = await addressesOf(m.exchange, options.dns);
        if (ips.length === 0)
          hosts.push({ host: m.exchange, ip: '', port, preference: m.priority, unresolved: `MX host ${m.exchange} has no A or AAAA record` });
        for (const ip of ips) hosts.push({ host: m.exchange, ip, port, preference: m.priority });
      } catch (err) {
        hosts.push({ host: m.exchange, ip: '', port, preference: m.priority, unresolved: (err as Error).message });
      }
    }
  } else {
    via = 'address';
    let ips: string[];
    try {
      ips = await addressesOf(name, options.dns);
    } catch (err) {
      throw dnsTrouble(err, name);
    }
    if (ips.length === 0) {
      throw new RelayTargetError('bad-input', `${name} has no MX, A or AAAA record: there is no mail server to test (check the spelling).`);
    }
    for (const ip of ips) hosts.push({ host: name, ip, port });
  }

  const marked = hosts.map((h): PlannedHost => {
    if (!h.ip) return h;
    const reason = privateAddressReason(h.ip);
    return reason && !options.allowPrivate ? { ...h, refused: `${reason}; not contacted (set RBLBOT_ALLOW_PRIVATE=1 to allow it in a lab)` } : h;
  });
  const testable = marked.filter((h) => h.ip && !h.refused);
  if (testable.length === 0 && marked.some((h) => h.refused)) {
    const first = marked.find((h) => h.refused)!;
    throw new RelayTargetError(
      'refused',
      `${name} leads only to private or local addresses (${first.refused!.split(';')[0]}); the relay test only contacts public addresses (set RBLBOT_ALLOW_PRIVATE=1 to allow it in a lab).`,
    );
  }
  let kept = marked;
  if (testable.length > options.maxHosts) {
    const allowed = new Set(testable.slice(0, options.maxHosts));
    kept = marked.filter((h) => !h.ip || h.refused || allowed.has(h));
    notes.push(`${testable.length} addresses found; tested the first ${options.maxHosts}.`);
  }
  // A mail domain is its own "own domain"; a host name stands for its registrable domain.
  const ownDomain = via === 'mx' ? name : (getDomain(name) ?? name);
  return { target, via, hosts: kept, ownDomain, notes };
}

async function addressesOf(name: string, dns: RelayDns): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([dns.resolve4(name), dns.resolve6(name)]);
  const ips = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (ips.length === 0) {
    const failed = [v4, v6].find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
  return [...new Set(ips)];
}

function dnsTrouble(err: unknown, name: string): RelayTargetError {
  if (err instanceof RelayDnsError)
    return new RelayTargetError('dns', `Could not look up ${name}: ${err.message}. Try again, or give the mail server's IP.`);
  return new RelayTargetError('dns', `Could not look up ${name} (${String(err)}).`);
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
