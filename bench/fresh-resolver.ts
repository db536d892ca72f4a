/**
 * One run behind a real resolver with a cold cache: rbldnsd serving the fixture lists,
 * optionally `listsAwayMs` away behind a delaying relay, and a fresh Unbound or dnsmasq in
 * front of it — all stopped when the run ends (the resolvers and peers suites).
 */
import { startDelayRelay } from '../test/support/delay-relay.js';
import { startDnsmasq, startRbldnsd, startUnbound, type RunningServer } from '../test/support/real-dns.js';

export type ResolverKind = 'unbound' | 'dnsmasq';

export interface FreshResolverOptions {
  /** How far the lists are from the resolver (0: rbldnsd answers at once). */
  readonly listsAwayMs?: number;
  /** The resolver's port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
}

export async function withFreshResolver<T>(
  kind: ResolverKind,
  options: FreshResolverOptions,
  run: (resolver: RunningServer) => Promise<T>,
): Promise<T> {
  const started: RunningServer[] = [];
  try {
    started.push(await startRbldnsd());
    if (options.listsAwayMs) started.push(await startDelayRelay(started[0]!, options.listsAwayMs));
    const lists = started.at(-1)!;
    const port = options.port;
    started.push(kind === 'unbound' ? await startUnbound(lists, { port }) : await startDnsmasq(lists, { port }));
    return await run(started.at(-1)!);
  } finally {
    for (const server of started.reverse()) await server.stop();
  }
}
