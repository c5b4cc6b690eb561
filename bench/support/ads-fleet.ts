/**
 * A fleet of light ADS streams in its own process (so the control plane's event loop and CPU
 * figures do not include the clients), driven by JSON lines on stdin, answering on stdout:
 *   {"cmd":"connect","address":"127.0.0.1:port","protocol":"sotw"|"delta","nodes":[...],"timeoutMs":n}
 *       -> {"event":"connected","nodes":[{node,openedAt,full,bytes,resources:{cds,...}}],"missing":[...]}
 *   {"cmd":"mark","names":bool} -> {"event":"marked"}   (counts and waits below start from here;
 *       with names, each response's resource names are recorded too)
 *   {"cmd":"await","types":["eds"],"nodes":[...],"timeoutMs":n,"name"?:s}
 *       -> {"event":"arrived","at":{node: epoch ms when the last of the types arrived, or, with
 *          a name, the first response of one of the types carrying a resource of that name},"missing":[...]}
 *   {"cmd":"quiet","ms":n,"timeoutMs":n} -> {"event":"stats","nodes":{node:{responses,bytes,resources,removed}}}
 *   {"cmd":"close"} -> exits
 * Each stream has its own connection (a local subchannel pool), as separate proxies would.
 */
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { AdsBenchStream, epochNow, type Protocol, type Received, TYPE_KEYS, type TypeKey } from './ads-stream.js';

interface Fleet {
  readonly streams: Map<string, AdsBenchStream>;
  readonly clients: grpc.Client[];
  /** Per node: index into `received` where the current mark starts. */
  readonly marks: Map<string, number>;
  lastArrival: number;
}

const fleet: Fleet = { streams: new Map(), clients: [], marks: new Map(), lastArrival: 0 };
const waiters = new Set<() => void>();

function reply(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function since(node: string): Received[] {
  const s = fleet.streams.get(node);
  return s ? s.received.slice(fleet.marks.get(node) ?? 0) : [];
}

/** Resolves when `done()` holds (checked after every response) or at the deadline. */
function until(done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const finish = (): void => {
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const check = (): void => {
      if (done()) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    waiters.add(check);
  });
}

function firstOf(received: readonly Received[], types: readonly TypeKey[]): number | undefined {
  let last = 0;
  for (const t of types) {
    const r = received.find((x) => x.type === t);
    if (!r) return undefined;
    last = Math.max(last, r.at);
  }
  return last;
}

async function connect(cmd: { address: string; protocol: Protocol; nodes: string[]; timeoutMs: number }): Promise<void> {
  for (const node of cmd.nodes) {
    const client = new grpc.Client(cmd.address, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    fleet.clients.push(client);
    const stream = new AdsBenchStream(client, node, cmd.protocol);
    stream.onResponse = () => {
      fleet.lastArrival = epochNow();
      for (const w of [...waiters]) w();
    };
    fleet.streams.set(node, stream);
    fleet.marks.set(node, 0);
  }
  for (const node of cmd.nodes) fleet.streams.get(node)?.start();
  const full = (node: string): boolean => firstOf(fleet.streams.get(node)?.received ?? [], TYPE_KEYS) !== undefined;
  await until(() => cmd.nodes.every(full), cmd.timeoutMs);
  reply({
    event: 'connected',
    nodes: cmd.nodes.map((node) => {
      const s = fleet.streams.get(node) as AdsBenchStream;
      const resources: Record<string, number> = {};
      for (const r of s.received) resources[r.type] = r.resources;
      return { node, openedAt: s.openedAt, full: firstOf(s.received, TYPE_KEYS), bytes: s.received.reduce((n, r) => n + r.bytes, 0), resources, ended: s.ended };
    }),
    missing: cmd.nodes.filter((n) => !full(n)),
  });
}

async function arrived(cmd: { types: TypeKey[]; nodes: string[]; timeoutMs: number; name?: string }): Promise<void> {
  const when = (n: string): number | undefined => {
    const got = since(n);
    return cmd.name === undefined ? firstOf(got, cmd.types) : got.find((r) => cmd.types.includes(r.type) && r.names?.includes(cmd.name as string))?.at;
  };
  await until(() => cmd.nodes.every((n) => when(n) !== undefined), cmd.timeoutMs);
  const at: Record<string, number> = {};
  const missing: string[] = [];
  for (const n of cmd.nodes) {
    const t = when(n);
    if (t === undefined) missing.push(n);
    else at[n] = t;
  }
  reply({ event: 'arrived', at, missing });
}

async function quiet(cmd: { ms: number; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + cmd.timeoutMs;
  for (;;) {
    const idle = epochNow() - fleet.lastArrival;
    if (idle >= cmd.ms || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, cmd.ms - idle));
  }
  const nodes: Record<string, { responses: number; bytes: number; resources: number; removed: number }> = {};
  for (const node of fleet.streams.keys()) {
    const got = since(node);
    if (got.length === 0) continue;
    nodes[node] = {
      responses: got.length,
      bytes: got.reduce((n, r) => n + r.bytes, 0),
      resources: got.reduce((n, r) => n + r.resources, 0),
      removed: got.reduce((n, r) => n + r.removed, 0),
    };
  }
  reply({ event: 'stats', nodes });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string } & Record<string, unknown>;
  const run = async (): Promise<void> => {
    if (cmd.cmd === 'connect') await connect(cmd as unknown as Parameters<typeof connect>[0]);
    else if (cmd.cmd === 'mark') {
      for (const [node, s] of fleet.streams) {
        fleet.marks.set(node, s.received.length);
        s.captureNames = cmd.names === true;
      }
      reply({ event: 'marked' });
    } else if (cmd.cmd === 'await') await arrived(cmd as unknown as Parameters<typeof arrived>[0]);
    else if (cmd.cmd === 'quiet') await quiet(cmd as unknown as Parameters<typeof quiet>[0]);
    else if (cmd.cmd === 'close') {
      for (const s of fleet.streams.values()) s.close();
      for (const c of fleet.clients) c.close();
      process.exit(0);
    }
  };
  run().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
});
lines.on('close', () => process.exit(0));
