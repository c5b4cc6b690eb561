/**
 * A real `meshplane run` (SQLite file, every port 0) driven as a user would: resources go in with
 * `meshplane apply` / `meshplane delete`, bootstraps come from `meshplane dataplane bootstrap`, and
 * state is read over the REST API and /metrics. Each CLI call is timed, so tests can tell the
 * propagation delay from the CLI's own start-up.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runMeshplane, startMeshplane, type MeshplaneProcess } from '../process.js';
import { startEchoBackend, type EchoBackend } from './echo-service.js';

/** When a CLI command started (before the process was spawned) and when it had exited. */
export interface CliTiming {
  readonly startedAt: number;
  readonly doneAt: number;
}

/** `meshplane_xds_*_total` counters by type label (LDS, RDS, CDS, EDS). */
export interface XdsCounters {
  readonly acks: Readonly<Record<string, number>>;
  readonly nacks: Readonly<Record<string, number>>;
}

export class MeshplaneRun {
  private constructor(
    readonly cp: MeshplaneProcess,
    readonly dir: string,
  ) {}

  static async start(): Promise<MeshplaneRun> {
    const dir = await mkdtemp(join(tmpdir(), 'meshplane-xds-run-'));
    const cp = await startMeshplane(['--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--store', `sqlite:${join(dir, 'store.db')}`]);
    return new MeshplaneRun(cp, dir);
  }

  get apiUrl(): string {
    return this.cp.apiUrl;
  }

  /** `host:port` of the ADS server, from the ready line. */
  get xdsAddress(): string {
    return String(this.cp.ready.xds).replace(/^grpc:\/\//, '');
  }

  /** How long each CLI command took, start to exit (node start-up included). */
  readonly cliMs: number[] = [];

  async cli(args: readonly string[], stdin?: string): Promise<{ stdout: string; timing: CliTiming }> {
    const startedAt = Date.now();
    const result = await runMeshplane(['--api-url', this.apiUrl, ...args], stdin === undefined ? {} : { stdin });
    const doneAt = Date.now();
    this.cliMs.push(doneAt - startedAt);
    assert.equal(result.code, 0, `meshplane ${args.join(' ')} failed: ${result.stderr}`);
    return { stdout: result.stdout, timing: { startedAt, doneAt } };
  }

  async apply(yaml: string): Promise<CliTiming> {
    return (await this.cli(['apply', '-f', '-'], yaml)).timing;
  }

  async delete(kind: string, name: string): Promise<CliTiming> {
    return (await this.cli(['delete', kind, name])).timing;
  }

  /**
   * The REST calls `meshplane apply` and `meshplane delete` make, timed without the CLI's start-up:
   * PUT of one Dataplane document, DELETE of a Dataplane.
   */
  async putDataplane(yaml: string): Promise<CliTiming> {
    const doc = parse(yaml) as { name: string };
    return this.timedRequest('PUT', `/meshes/default/dataplanes/${doc.name}`, JSON.stringify(doc));
  }

  async deleteDataplane(name: string): Promise<CliTiming> {
    return this.timedRequest('DELETE', `/meshes/default/dataplanes/${name}`);
  }

  private async timedRequest(method: string, path: string, body?: string): Promise<CliTiming> {
    const startedAt = Date.now();
    const res = await fetch(`${this.apiUrl}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
    const doneAt = Date.now();
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return { startedAt, doneAt };
  }

  /** Writes what `meshplane dataplane bootstrap` prints for Dataplane `name` to a file; returns its path. */
  async bootstrapFile(name: string, proxyless: boolean): Promise<string> {
    const { stdout } = await this.cli(['dataplane', 'bootstrap', '--mesh', 'default', '--name', name, ...(proxyless ? ['--proxyless'] : [])]);
    const path = join(this.dir, `${name}.${proxyless ? 'json' : 'yaml'}`);
    await writeFile(path, stdout);
    return path;
  }

  /** GET `path` of the API as JSON; undefined on 404. */
  async getJson<T>(path: string): Promise<T | undefined> {
    const res = await fetch(`${this.apiUrl}${path}`);
    if (res.status === 404) return undefined;
    const text = await res.text();
    assert.equal(res.status, 200, `GET ${path}: ${text}`);
    return JSON.parse(text) as T;
  }

  async xdsCounters(): Promise<XdsCounters> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const read = (metric: string): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const m of text.matchAll(new RegExp(`^${metric}\\{type="([^"]+)"\\} (\\d+)$`, 'gm'))) out[m[1] ?? ''] = Number(m[2]);
      return out;
    };
    return { acks: read('meshplane_xds_acks_total'), nacks: read('meshplane_xds_nacks_total') };
  }

  async stop(): Promise<void> {
    await this.cp.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A Dataplane of `kuma.io/service: <service>` with one gRPC inbound, as `meshplane apply` YAML. */
export function dataplaneYaml(name: string, service: string, address: string, port: number, extra = ''): string {
  return `type: Dataplane
mesh: default
name: ${name}
networking:
  address: ${address}
  inbound:
  - port: ${port}
    tags:
      kuma.io/service: ${service}
      kuma.io/protocol: grpc
${extra}`;
}

export function meshYaml(mode: string): string {
  return `type: Mesh\nname: default\nmeshServices:\n  mode: ${mode}\n`;
}

/** Echo backends `[name, n]` on 127.0.0.n, all on one port (free on the first address; retried if taken on another). */
export async function backendsOnOnePort(specs: readonly (readonly [string, number])[]): Promise<{ backends: Map<string, EchoBackend>; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const backends = new Map<string, EchoBackend>();
    try {
      let port = 0;
      for (const [name, n] of specs) {
        const b = await startEchoBackend(name, { host: `127.0.0.${n}`, port });
        port = b.port;
        backends.set(name, b);
      }
      return { backends, port };
    } catch (err) {
      await Promise.all([...backends.values()].map((b) => b.stop()));
      if (attempt >= 5) throw err;
    }
  }
}

/** The middle value of `values` (the lower one of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
