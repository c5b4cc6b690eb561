/**
 * Three real `meshplane run` processes on 127.0.0.1 for the multi-zone end-to-end tests and the
 * sync benchmark: a global control plane and zones `east` and `west`, each with its own SQLite
 * file (so a killed process comes back with what it had, as in production), every port 0 except
 * global's KDS port, which must stay the same across a global restart. Plus the REST calls, `dig`
 * and the echo backends the tests need. Waiting is on the REST API or DNS, with deadlines.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import * as protoLoader from '@grpc/proto-loader';
import { startMeshplane, type MeshplaneProcess } from './process.js';
import { waitFor } from './wait-for.js';
import { ECHO_PROTO } from './xds-clients/echo-service.js';

const run = promisify(execFile);

export type ZoneName = 'east' | 'west';
export type PlaneName = 'global' | ZoneName;

/** A port nobody listens on right now (for global's KDS port, which zones keep dialling). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface MultizoneOptions {
  /** `--flat-network true` on both zones. */
  readonly flatNetwork: boolean;
  /** `memory` instead of SQLite files (only for runs that never restart a process). */
  readonly memory?: boolean;
  /** Extra `meshplane run` flags for every process. */
  readonly extraArgs?: readonly string[];
}

export class Multizone {
  private readonly planes = new Map<PlaneName, MeshplaneProcess>();

  private constructor(
    readonly dir: string,
    readonly kdsPort: number,
    private readonly options: MultizoneOptions,
  ) {}

  /** Starts global, then east and west, and waits until global has both zones online. */
  static async start(options: MultizoneOptions): Promise<Multizone> {
    const m = new Multizone(await mkdtemp(join(tmpdir(), 'meshplane-mz-')), await freePort(), options);
    try {
      await m.startPlane('global');
      await Promise.all([m.startPlane('east'), m.startPlane('west')]);
    } catch (err) {
      await m.stop();
      throw err;
    }
    return m;
  }

  plane(name: PlaneName): MeshplaneProcess {
    const p = this.planes.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  api(name: PlaneName): string {
    return this.plane(name).apiUrl;
  }

  /** `host:port` of a zone's DNS server. */
  dns(name: ZoneName): { host: string; port: number } {
    const text = String(this.plane(name).ready.dns);
    const i = text.lastIndexOf(':');
    return { host: text.slice(0, i), port: Number(text.slice(i + 1)) };
  }

  /** `host:port` of a zone's ADS server. */
  xds(name: ZoneName): string {
    return String(this.plane(name).ready.xds).replace(/^grpc:\/\//, '');
  }

  args(name: PlaneName): string[] {
    const store = this.options.memory ? 'memory' : `sqlite:${join(this.dir, `${name}.db`)}`;
    const common = ['--store', store, '--api-port', '0', '--log-level', 'info', ...(this.options.extraArgs ?? [])];
    if (name === 'global') return ['--mode', 'global', '--kds-port', String(this.kdsPort), ...common];
    return [
      ...['--mode', 'zone', '--zone', name, '--global-kds-address', `grpc://127.0.0.1:${this.kdsPort}`],
      ...['--xds-port', '0', '--dns-port', '0', '--flat-network', String(this.options.flatNetwork)],
      ...common,
    ];
  }

  /**
   * Global's record of a zone's connection (ZoneInsight: online/offline, connect times), read from
   * global's SQLite file; Meshplane has no REST view of it yet.
   */
  zoneInsight(zone: ZoneName): { online?: boolean; connectTime?: string; disconnectTime?: string; lastFullSyncFromZone?: string } | undefined {
    const db = new Database(join(this.dir, 'global.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT spec FROM resources WHERE type = 'ZoneInsight' AND mesh = '' AND name = ?").get(zone) as { spec: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.spec) as ReturnType<Multizone['zoneInsight']>);
    } finally {
      db.close();
    }
  }

  async startPlane(name: PlaneName): Promise<MeshplaneProcess> {
    const p = await startMeshplane(this.args(name), { deadlineMs: 30_000 });
    this.planes.set(name, p);
    return p;
  }

  /** Ends a process with `signal` (SIGKILL: no goodbye to anyone) and forgets it. */
  async kill(name: PlaneName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.planes.get(name);
    this.planes.delete(name);
    await p?.stop(signal);
  }

  async stop(): Promise<void> {
    for (const name of ['east', 'west', 'global'] as const) await this.kill(name, 'SIGTERM').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The name east's `backend` has on global and in west: hashedName('default', 'backend', ['east']). */
export const EAST_BACKEND = 'backend-d2622w4zxzdb6cfw';

/** A Dataplane with one inbound named `main` of `service` (gRPC) at address:port. */
export function dataplaneDoc(name: string, address: string, port: number, service: string, state?: 'Ready' | 'NotReady'): Record<string, unknown> {
  const inbound = { port, name: 'main', tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' }, ...(state ? { state } : {}) };
  return { type: 'Dataplane', mesh: 'default', name, networking: { address, inbound: [inbound] } };
}

/** Mesh `default` in Exclusive mode, made on global, waited for in both zones. */
export async function exclusiveMesh(m: Multizone): Promise<void> {
  await put(m.api('global'), '/meshes/default', { type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } });
  for (const zone of ['east', 'west'] as const) {
    await waitForResource(m.api(zone), '/meshes/default', (r) => (r.meshServices as { mode?: string } | undefined)?.mode === 'Exclusive', `mesh default in ${zone}`);
  }
}

export interface RestAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function rest(api: string, method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<RestAnswer> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** PUT that must succeed (200/201). */
export async function put(api: string, path: string, body: unknown): Promise<void> {
  const answer = await rest(api, 'PUT', path, body);
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`PUT ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** The resource at `path`, or undefined on 404. */
export async function getResource(api: string, path: string): Promise<Record<string, unknown> | undefined> {
  const answer = await rest(api, 'GET', path);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Waits until GET `path` answers a resource that `ok` accepts; returns it. */
export function waitForResource(
  api: string,
  path: string,
  ok: (r: Record<string, unknown>) => boolean,
  what: string,
  deadlineMs = 15_000,
): Promise<Record<string, unknown>> {
  return waitFor(what, async () => {
    const r = await getResource(api, path);
    return r !== undefined && ok(r) ? r : undefined;
  }, deadlineMs);
}

/** Waits until GET `path` answers 404. */
export function waitForGone(api: string, path: string, what: string, deadlineMs = 15_000): Promise<true> {
  return waitFor(what, async () => ((await getResource(api, path)) === undefined ? true : undefined), deadlineMs);
}

/** The A records `dig` gets for `name` from the DNS server at host:port ([] for NXDOMAIN/NODATA). */
export async function dig(server: { host: string; port: number }, name: string): Promise<string[]> {
  const { stdout } = await run('dig', [`@${server.host}`, '-p', String(server.port), name, 'A', '+short', '+tries=1', '+time=2']);
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** `status.vips[*].ip` and `status.addresses[*].hostname` of a MeshService-like item. */
export function vipsAndHostnames(r: Record<string, unknown> | undefined): { vips: string[]; hostnames: string[] } {
  const status = (r?.status ?? {}) as { vips?: { ip: string }[]; addresses?: { hostname: string }[] };
  return { vips: (status.vips ?? []).map((v) => v.ip), hostnames: (status.addresses ?? []).map((a) => a.hostname) };
}

export interface EchoServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** An echo backend (echo.proto) answering with `name`, on `host:port` (port 0: pick one). */
export async function startEcho(name: string, host: string, port = 0): Promise<EchoServer> {
  const definition = protoLoader.loadSync(ECHO_PROTO, { keepCase: true, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { meshplane: { test: { Echo: grpc.ServiceClientConstructor } } };
  const server = new grpc.Server();
  server.addService(loaded.meshplane.test.Echo.service, {
    Echo: (call: grpc.ServerUnaryCall<{ message: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => callback(null, { message: call.request.message, backend: name }),
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return { name, host, port: bound, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

export interface ClientReport {
  readonly at: number;
  readonly counts: Record<string, number>;
  readonly lastSeen: Record<string, number>;
  readonly errors: number;
  readonly lastError: string;
}

/**
 * One @grpc/grpc-js-xds client process (grpc-xds-client-process.ts) calling `xds:///<target>` back
 * to back as proxy `nodeId` of a zone's ADS server; `until` waits for its reports.
 */
export class XdsClient {
  private latest: ClientReport | undefined;
  private waiters: (() => void)[] = [];
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(xdsServer: string, nodeId: string, target: string) {
    const script = fileURLToPath(new URL('./xds-clients/grpc-xds-client-process', import.meta.url));
    const args = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', `${script}.ts`] : [`${script}.js`];
    this.child = spawn(process.execPath, [...args, JSON.stringify({ xdsServer, nodeId, target, rpcTimeoutMs: 500 })], {
      env: { ...process.env, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1' },
    });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { event: string } & ClientReport;
      if (event.event !== 'counts') return;
      this.latest = event;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first report `ok` accepts; rejects after `ms` naming `what`. */
  async until(ok: (r: ClientReport) => boolean, ms: number, what: string): Promise<ClientReport> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.latest !== undefined && ok(this.latest)) return this.latest;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for: ${what}; last report ${JSON.stringify(this.latest)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Backends that answered after `since` (epoch ms), sorted. */
  static answeredSince(r: ClientReport, since: number): string[] {
    return Object.entries(r.lastSeen)
      .filter(([, at]) => at > since)
      .map(([name]) => name)
      .sort();
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    return exited;
  }
}
