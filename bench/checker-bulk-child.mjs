// One bulk measurement in a fresh process, on the compiled code that production runs,
// so its peak RSS is its own. argv: mode (rblbot|pool) count resolvers(comma) zonesJSON
import { Resolver } from 'node:dns/promises';

const [mode, countText, resolverList] = process.argv.slice(2);
const count = Number(countText);
const resolvers = resolverList.split(',');
const ips = Array.from({ length: count }, (_, i) => `100.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
const { createChecker } = await import(new URL('../dist/src/core/check/checker.js', import.meta.url).href);
const { reverseName } = await import(new URL('../dist/src/core/dns/reverse.js', import.meta.url).href);
const checker = createChecker({ resolvers, timeoutMs: 2000 });
let result;
if (mode === 'rblbot') {
  const t = performance.now();
  const reports = await Promise.all(ips.map((ip) => checker.check(ip)));
  const seconds = (performance.now() - t) / 1000;
  result = {
    seconds,
    lookups: reports.reduce((n, r) => n + r.results.length + 1, 0),
    lost: reports.reduce((n, r) => n + r.summary.timeout + r.summary.error, 0),
  };
} else {
  // The reference: the same names, 256 in flight on one socket, bare dns.promises.
  const zones = checker.catalogue.activeFor('ipv4').map((z) => z.queryZone);
  const names = ips.flatMap((ip) => [...zones.map((z) => `${reverseName(ip)}.${z}`), `${reverseName(ip)}.in-addr.arpa`]);
  const bare = new Resolver({ timeout: 2000, tries: 1 });
  bare.setServers([resolvers[0]]);
  let cursor = 0;
  let lost = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (cursor < names.length) {
        const name = names[cursor++];
        await (name.endsWith('.in-addr.arpa') ? bare.resolvePtr(name) : bare.resolve4(name)).catch((e) => {
          if (e.code !== 'ENOTFOUND' && e.code !== 'ENODATA') lost++;
        });
      }
    }),
  );
  result = { seconds: (performance.now() - t) / 1000, lookups: names.length, lost };
}
process.stdout.write(`${JSON.stringify({ ...result, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
process.exit(0);
