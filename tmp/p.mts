import { createChecker } from '../src/core/checker.ts';
import { createDns } from '../src/core/dns.ts';
import { RemoteDnsServer } from '../bench/dns-server-client.ts';
const server = await RemoteDnsServer.start(4);
const ips = Array.from({ length: 1000 }, (_, i) => `100.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
for (const [label, opts] of [['default', {}], ['norate', { zoneRate: 1e6 }], ['ch2', { channelsPerServer: 2 }], ['ch32', { channelsPerServer: 32 }]] as const) {
  const dns = createDns({ servers: server.addresses, timeoutMs: 2000, channelsPerServer: (opts as any).channelsPerServer ?? 8 });
  const c = createChecker({ dns, zoneRate: (opts as any).zoneRate });
  const t = performance.now();
  const r = await Promise.all(ips.map((ip) => c.check(ip)));
  const s = (performance.now() - t) / 1000;
  const n = r.reduce((a, x) => a + x.results.length + 1, 0);
  console.log(label, s.toFixed(2), Math.round(n / s), r.reduce((a, x) => a + x.summary.timeout, 0), Math.round(process.resourceUsage().maxRSS / 1024));
}
server.stop();
