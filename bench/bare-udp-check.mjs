// The reference for the checks behind real resolvers: a bare Node script doing the DNS
// work of `rblbot check` (an A lookup per address and zone, the PTR of each address, the
// TXT reason of each listing) over UDP with dns.promises at its defaults, 64 lookups in
// flight. argv: resolver zones(comma) ip... Prints {lookups, lost, found, ms} as JSON, ms
// being the lookups' own time (from the first to the last), without Node's start-up.
import { Resolver } from 'node:dns/promises';

const [resolver, zoneList, ...ips] = process.argv.slice(2);
const zones = zoneList.split(',');
const dns = new Resolver();
dns.setServers([resolver]);
const reversed = (ip) => ip.split('.').reverse().join('.');
const jobs = [];
for (const ip of ips) {
  for (const zone of zones) jobs.push({ type: 'A', name: `${reversed(ip)}.${zone}` });
  jobs.push({ type: 'PTR', name: `${reversed(ip)}.in-addr.arpa` });
}
let lookups = 0;
let lost = 0;
let found = 0;
const answered = (e) => e.code === 'ENOTFOUND' || e.code === 'ENODATA';
async function run(job) {
  lookups++;
  try {
    if (job.type === 'PTR') await dns.resolvePtr(job.name);
    else if (job.type === 'TXT') await dns.resolveTxt(job.name);
    else {
      await dns.resolve4(job.name);
      found++;
      jobs.push({ type: 'TXT', name: job.name });
    }
  } catch (e) {
    if (!answered(e)) lost++;
  }
}
let next = 0;
let active = 0;
const started = performance.now();
await new Promise((resolve) => {
  const pump = () => {
    while (active < 64 && next < jobs.length) {
      active++;
      void run(jobs[next++]).then(() => {
        active--;
        if (next === jobs.length && active === 0) resolve();
        else pump();
      });
    }
  };
  pump();
});
process.stdout.write(`${JSON.stringify({ lookups, lost, found, ms: performance.now() - started })}\n`);
