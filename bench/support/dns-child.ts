/**
 * The test DNS server in its own process for benchmarks, so answering queries does not
 * compete with the code being measured for one event loop. Prints its addresses as one
 * JSON line on stdout, then serves until stdin closes or it is killed.
 *
 * argv: <ports> [listed IPs, comma separated, listed on bl.spamcop.net]
 */
import { TestDnsServer } from '../../test/support/dns-server.js';

const ports = Number(process.argv[2] ?? 4);
const listed = (process.argv[3] ?? '').split(',').filter(Boolean);
const server = await TestDnsServer.start(ports);
server.recordQueries = false;
for (const ip of listed) server.listIp(ip, 'bl.spamcop.net');
process.stdout.write(`${JSON.stringify({ addresses: server.ports.map((p) => `127.0.0.1:${p}`) })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
