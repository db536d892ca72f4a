/**
 * A real Checker (the production createChecker) pointed at a real DNS server on
 * loopback, for command and console tests. Helpers set up the DNS data the tests talk
 * about: PTR with forward confirmation, and a slow reverse zone to make one check
 * finish later than another.
 */
import { createChecker, type Checker } from '../../src/core/check/checker.js';
import { TestDnsServer } from './dns-server.js';

export interface TestChecker {
  readonly dns: TestDnsServer;
  readonly checker: Checker;
}

export async function startTestChecker(timeoutMs = 400): Promise<TestChecker> {
  const dns = await TestDnsServer.start();
  return { dns, checker: createChecker({ resolvers: [dns.address], timeoutMs }) };
}

/** A Checker that must never be asked (the dispatcher and help do not check anything). */
export function idleChecker(): Checker {
  // Port 9 (discard) on loopback: nothing answers, and nothing should be asked.
  return createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 200 });
}

/** The in-addr.arpa name of an IPv4 address. */
export function reverseOf(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** PTR for `ip` pointing at `name`, which resolves back to `ip` (FCrDNS passes). */
export function confirmedPtr(dns: TestDnsServer, ip: string, name: string): void {
  dns.add(reverseOf(ip), 'PTR', name).add(name, 'A', ip);
}

/** Delay every answer about `ip`'s reverse zone, which delays that address's whole check. */
export function slowAddress(dns: TestDnsServer, ip: string, latencyMs: number): void {
  dns.rule({ suffix: reverseOf(ip), latencyMs });
}
