// The reference for `rblbot check <ip>` as a whole process: a bare Node script doing the
// same lookups with node:dns/promises and nothing else — every IPv4 zone's A record, the
// TXT reason of each listing, the PTR and its forward A record — all at once.
// argv: resolver ip zones(comma separated)
import { Resolver } from 'node:dns/promises';

const [server, ip, zoneList] = process.argv.slice(2);
const resolver = new Resolver({ timeout: 2000, tries: 1 });
resolver.setServers([server]);
const reversed = ip.split('.').reverse().join('.');
const none = () => null;
const lines = await Promise.all([
  ...zoneList
    .split(',')
    .map((zone) =>
      resolver
        .resolve4(`${reversed}.${zone}`)
        .then((codes) => resolver.resolveTxt(`${reversed}.${zone}`).then((txt) => `${zone} ${codes} ${txt.flat().join('')}`, none), none),
    ),
  resolver
    .resolvePtr(`${reversed}.in-addr.arpa`)
    .then((names) => Promise.all(names.map((name) => resolver.resolve4(name).then((a) => `PTR ${name} ${a}`, none))), none),
]);
process.stdout.write(`${lines.flat().filter(Boolean).join('\n')}\n`);
