/**
 * The DNS server: UDP and TCP on one port, answering from the table of records.ts, kept by a
 * DnsBook: a cache change is only noted, and the next query takes in every noted change at once,
 * at the cost of the changed names, not of the whole table. Clashing hostnames are logged when they
 * change.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ResourceCache } from '../controllers/resource-cache.js';
import { answerQuery, type Answered } from './dns-answer.js';
import { DnsBook } from './dns-book.js';
import { affectsDns, type DnsTable } from './records.js';

export const DEFAULT_DNS_TTL_SECONDS = 30;
/** A TCP client that sends nothing for this long is disconnected. */
const TCP_IDLE_MS = 10_000;
const BIND_ATTEMPTS = 5;

export interface DnsServerOptions {
  readonly cache: ResourceCache;
  readonly host?: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  readonly port?: number;
  readonly ttlSeconds?: number;
  readonly logger: Logger;
  readonly metrics?: Registry;
}

export interface DnsServer {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const { cache, logger } = options;
  const host = options.host ?? '127.0.0.1';
  const ttl = options.ttlSeconds ?? DEFAULT_DNS_TTL_SECONDS;
  const queries = counter(options.metrics, 'meshplane_dns_queries_total', 'DNS queries answered, by transport and response code', ['transport', 'rcode']);
  const rebuilds = counter(options.metrics, 'meshplane_dns_table_rebuilds_total', 'Refreshes of the DNS answer table (one per query after changes; each takes in only what changed)', []);

  // Kept up to date change by change; a burst of changes is taken in by the next query, at once.
  const book = new DnsBook(cache);
  let lastClashes = '[]';
  const unsubscribe = cache.onChange((e) => {
    if (affectsDns(e)) book.touch(e);
  });
  const currentTable = (): DnsTable => {
    if (!book.refresh()) return book;
    rebuilds?.inc();
    const clashes = JSON.stringify(book.clashes);
    if (clashes !== lastClashes) {
      for (const c of book.clashes) logger.warn(c, 'two resources claim one DNS name; the older one answers');
      lastClashes = clashes;
    }
    return book;
  };
  const answer = (query: Buffer, transport: 'udp' | 'tcp'): Answered => {
    let answered: Answered;
    try {
      answered = answerQuery(query, (name) => currentTable().lookup(name), ttl);
    } catch (err) {
      logger.error({ err }, 'DNS query failed');
      answered = { response: undefined, rcode: 'dropped' };
    }
    queries?.inc({ transport, rcode: answered.rcode });
    return answered;
  };

  const connections = new Set<net.Socket>();
  const { udp, tcp } = await bindBoth(host, options.port ?? 0, (socket) => serveTcp(socket, answer, connections));
  udp.on('message', (msg, peer) => {
    const { response } = answer(msg, 'udp');
    if (response) udp.send(response, peer.port, peer.address);
  });
  udp.on('error', (err) => logger.error({ err }, 'DNS UDP socket error'));
  tcp.on('error', (err) => logger.error({ err }, 'DNS TCP server error'));
  const bound = udp.address();
  return {
    port: bound.port,
    address: bound.address,
    close: async () => {
      unsubscribe();
      for (const c of connections) c.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

/** Reads length-prefixed messages (RFC 1035 4.2.2) and answers each in order. */
function serveTcp(socket: net.Socket, answer: (q: Buffer, t: 'tcp') => Answered, connections: Set<net.Socket>): void {
  connections.add(socket);
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  socket.on('close', () => connections.delete(socket));
  socket.on('error', () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (length === 0) return void socket.destroy();
      if (pending.length < 2 + length) return;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const { response } = answer(message, 'tcp');
      if (!response) return void socket.destroy();
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(response.length);
      socket.write(Buffer.concat([prefix, response]));
    }
  });
}

/** Binds UDP, then TCP on the port UDP got; with port 0, retries if TCP finds that port taken. */
async function bindBoth(host: string, port: number, onConnection: (s: net.Socket) => void): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  for (let attempt = 1; ; attempt++) {
    const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const tcp = net.createServer(onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (err) {
      udp.close();
      const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !taken || attempt >= BIND_ATTEMPTS) throw err;
    }
  }
}

function counter<L extends string>(registry: Registry | undefined, name: string, help: string, labelNames: L[]): Counter<L> | undefined {
  if (!registry) return undefined;
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}
