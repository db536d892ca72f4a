/**
 * The test DNS server in its own process, so that benchmarks measure the checker and
 * not the server sharing its event loop. Prints its addresses as one JSON line, then
 * obeys JSON commands on stdin: {"latencyMs":N}, {"silent":[zones]},
 * {"add":[[name, type, data], …]} (records, e.g. a listing with its TXT reason and a PTR).
 */
import { createInterface } from 'node:readline';
import { TestDnsServer, type RecordType } from '../test/support/dns-server.js';

const ports = Number(process.argv[2] ?? 4);
const server = await TestDnsServer.start(ports);
server.recordQueries = false;
process.stdout.write(`${JSON.stringify({ addresses: server.addresses })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { latencyMs?: number; silent?: string[]; add?: [string, RecordType, string][] };
  for (const [name, type, data] of command.add ?? []) server.add(name, type, data);
  if (command.latencyMs !== undefined) server.latencyMs = command.latencyMs;
  if (command.silent) {
    server.clearRules();
    for (const suffix of command.silent) server.rule({ suffix, behaviour: 'silent' });
  }
  process.stdout.write('ok\n');
}
await server.close();
