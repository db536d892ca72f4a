/** Resolver addresses: parsing "host[:port]" and spotting well-known public services. */

/** Well-known public resolvers: Spamhaus, URIBL and others refuse queries that come through them. */
const PUBLIC_RESOLVERS = new Set([
  '8.8.8.8',
  '8.8.4.4',
  '2001:4860:4860::8888',
  '2001:4860:4860::8844',
  '1.1.1.1',
  '1.0.0.1',
  '2606:4700:4700::1111',
  '2606:4700:4700::1001',
  '9.9.9.9',
  '149.112.112.112',
  '2620:fe::fe',
  '2620:fe::9',
  '208.67.222.222',
  '208.67.220.220',
  '2620:119:35::35',
  '2620:119:53::53',
  '94.140.14.14',
  '94.140.15.15',
  '76.76.2.0',
  '76.76.10.0',
  '185.228.168.9',
  '185.228.169.9',
  '64.6.64.6',
  '64.6.65.6',
  '8.26.56.26',
  '8.20.247.20',
  '4.2.2.1',
  '4.2.2.2',
  '4.2.2.3',
  '4.2.2.4',
]);

/** Is this resolver (host or host:port) a well-known public DNS service? */
export function isPublicResolver(server: string): boolean {
  return PUBLIC_RESOLVERS.has(splitServer(server).host);
}

/** "host[:port]" (IPv6 as "[addr]:port" or bare) into its host and port (53 when absent). */
export function splitServer(server: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracket) return { host: bracket[1]!, port: Number(bracket[2] ?? 53) };
  const parts = server.split(':');
  return parts.length === 2 ? { host: parts[0]!, port: Number(parts[1]) } : { host: server, port: 53 };
}

/** Validate and normalise "host[:port]" for c-ares; throws a sentence on bad input. */
export function parseServer(text: string): string {
  const s = text.trim();
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(s);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
  const bare6 = /^[0-9a-f:]+$/i.test(s) && s.includes(':') && s.split(':').length > 2 ? s : null;
  const port = v6?.[2] ?? v4?.[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new Error(`"${s}" has a port outside 1-65535.`);
  if (v6) return port ? `[${v6[1]}]:${port}` : v6[1]!;
  if (bare6) return bare6;
  if (v4 && v4[1]!.split('.').every((o) => Number(o) <= 255)) return port ? `${v4[1]}:${port}` : v4[1]!;
  throw new Error(`"${s}" is not a resolver address; use an IP address with an optional port, like 127.0.0.1:53 or [::1]:53.`);
}
