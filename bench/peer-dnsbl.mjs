// A peer checker as its users run it: the `dnsbl` npm package's batch() (A lookups only,
// 64 in flight, its default 5 s timeout; a lookup that fails counts as "not listed").
// argv: resolver zones(comma) ip... Prints {found} as JSON the moment batch() resolves:
// the bench times that line's arrival (its process then lingers until the timeout).
import { batch } from 'dnsbl';

const [resolver, zoneList, ...ips] = process.argv.slice(2);
const results = await batch(ips, zoneList.split(','), { servers: [resolver] });
process.stdout.write(`${JSON.stringify({ found: results.filter((r) => r.listed).length })}\n`);
