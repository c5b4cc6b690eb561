/**
 * A child process that is a real grpc-js-xds client taking orders: each stdin line is a JSON
 * command, each stdout line the JSON answer to one command:
 *   -> {"id":1,"target":"backend.svc.mesh.local:8080","method":"Echo","count":100,"deadlineMs":2000,
 *       "delayMs":0,"metadata":{"x-team":"payments"}}
 *   <- {"id":1,"ok":{"backend-a":90,"backend-b":10},"errors":{"UNAVAILABLE":0},"lastError":"",
 *       "elapsedMs":[..]}                  (elapsedMs: per call, in order)
 * Calls run one after the other. One channel per target, created on first use, with its own
 * bootstrap (per-channel option) for the given xDS server and node id.
 * Usage: node grpc-call-runner.js '{"xdsServer":"127.0.0.1:port","nodeId":"default.web"}'
 */
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { echoClientConstructor, type EchoClient, type EchoMethod, type EchoReply } from './echo-service.js';

interface Command {
  readonly id: number;
  readonly target: string;
  readonly method: 'Echo' | 'Hello' | 'Slow' | 'Flaky';
  readonly count: number;
  readonly deadlineMs: number;
  readonly delayMs?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as { xdsServer: string; nodeId: string };
const xds = await import('@grpc/grpc-js-xds');
xds.register();
const bootstrap = JSON.stringify({
  xds_servers: [{ server_uri: config.xdsServer, channel_creds: [{ type: 'insecure' }], server_features: [] }],
  node: { id: config.nodeId, cluster: 'e2e', locality: {}, metadata: { client: 'grpc-call-runner' } },
});
const Echo = echoClientConstructor();
const channels = new Map<string, EchoClient>();

function channel(target: string): EchoClient {
  let c = channels.get(target);
  if (c === undefined) {
    c = new Echo(`xds:///${target}`, grpc.credentials.createInsecure(), { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': bootstrap, 'grpc.enable_http_proxy': 0 });
    channels.set(target, c);
  }
  return c;
}

function once(c: Command): Promise<{ backend?: string; code?: string; message?: string; ms: number }> {
  const client = channel(c.target);
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(c.metadata ?? {})) metadata.set(k, v);
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (err: grpc.ServiceError | null, reply?: EchoReply): void => {
      const ms = Math.round(performance.now() - started);
      if (err || reply === undefined) resolve({ code: err ? grpc.status[err.code] : 'NO_REPLY', message: err?.details ?? '', ms });
      else resolve({ backend: reply.backend, ms });
    };
    const request = { message: 'hi', delay_ms: c.delayMs ?? 0 };
    const method = (client as unknown as Record<string, EchoMethod>)[c.method];
    if (method === undefined) return resolve({ code: 'NO_METHOD', message: c.method, ms: 0 });
    method.call(client, request, metadata, { deadline: new Date(Date.now() + c.deadlineMs) }, done);
  });
}

async function run(c: Command): Promise<Record<string, unknown>> {
  const ok: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const elapsedMs: number[] = [];
  let lastError = '';
  for (let i = 0; i < c.count; i++) {
    const r = await once(c);
    elapsedMs.push(r.ms);
    if (r.backend !== undefined) ok[r.backend] = (ok[r.backend] ?? 0) + 1;
    else {
      errors[r.code ?? '?'] = (errors[r.code ?? '?'] ?? 0) + 1;
      lastError = `${r.code}: ${r.message}`;
    }
  }
  return { id: c.id, ok, errors, lastError, elapsedMs };
}

const queue: Command[] = [];
let busy = false;
async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let c = queue.shift(); c !== undefined; c = queue.shift()) process.stdout.write(`${JSON.stringify(await run(c))}\n`);
  busy = false;
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  queue.push(JSON.parse(line) as Command);
  void drain();
});
lines.on('close', () => {
  for (const c of channels.values()) c.close();
  process.exit(0);
});
