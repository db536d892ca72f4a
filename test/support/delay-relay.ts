/**
 * A UDP relay that holds each query for `delayMs` before passing it on to `upstream`: lists
 * that are a network away, as real blocklists are from a resolver (tens of milliseconds),
 * instead of rbldnsd's instant answers on loopback. It forwards every query (the resolver
 * in front still sheds load as it would); query IDs are rewritten so that queries from
 * many client ports share one upstream socket, and restored on the way back.
 */
import dgram from 'node:dgram';
import type { RunningServer } from './real-dns.js';

interface Pending {
  readonly port: number;
  readonly address: string;
  readonly id: number;
}

export async function startDelayRelay(upstream: RunningServer, delayMs: number): Promise<RunningServer> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  front.on('message', (query, from) => {
    if (query.length < 12 || pending.size >= 65_536) return;
    do nextId = (nextId + 1) & 0xffff;
    while (pending.has(nextId));
    pending.set(nextId, { port: from.port, address: from.address, id: query.readUInt16BE(0) });
    const relayed = Buffer.from(query);
    relayed.writeUInt16BE(nextId, 0);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) back.send(relayed, upstream.port, '127.0.0.1');
    }, delayMs);
    timers.add(timer);
  });
  back.on('message', (answer) => {
    if (answer.length < 12 || closed) return;
    const client = pending.get(answer.readUInt16BE(0));
    if (!client) return;
    pending.delete(answer.readUInt16BE(0));
    answer.writeUInt16BE(client.id, 0);
    front.send(answer, client.port, client.address);
  });

  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  const port = front.address().port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    async stop() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))]);
    },
  };
}
