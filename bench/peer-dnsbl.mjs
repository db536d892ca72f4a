// A peer checker as its users run it: the `dnsbl` npm package's batch() (A lookups only,
// 64 in flight, its default 5 s timeout; a lookup that fails counts as "not listed").
// argv: resolver zones(comma) ip... Prints {found, answerMs} as JSON, answerMs being the
// time from the process's start until batch() resolved (performance.now() counts from it).
import { batch } from 'dnsbl';

const [resolver, zoneList, ...ips] = process.argv.slice(2);
const results = await batch(ips, zoneList.split(','), { servers: [resolver] });
const answerMs = performance.now();
process.stdout.write(`${JSON.stringify({ found: results.filter((r) => r.listed).length, answerMs })}\n`);
