/**
 * Change propagation with connected proxies: a zone control plane (wired like `meshplane run`) with
 * a generated mesh, P proxies connected over real ADS streams (a separate client process), then
 * one change at a time, each repeated: an endpoint removed (a Dataplane's inbounds go NotReady), an
 * endpoint added (a new Dataplane of an existing service), a new service (a Dataplane of a new
 * kuma.io/service: MeshService, VIP, hostname, then the listener at every proxy), and a
 * MeshHTTPRoute's weights changed. The clock starts right before the store write and stops, per
 * affected proxy, when the client receives the response that carries the change. Affected proxies
 * come from the scenario itself (who reaches the service), not from the control plane.
 */
import { admit } from '../../src/core/admission.js';
import { kindByName } from '../../src/core/registry.js';
import type { NewResource, Resource } from '../../src/core/resource.js';
import type { DataplaneSpec } from '../../src/resources/dataplane/types.js';
import type { MeshServiceStatus } from '../../src/resources/mesh-service/types.js';
import type { ScenarioOptions, ScenarioResult } from '../scenario.js';
import { epochNow, type Protocol, type TypeKey } from '../support/ads-stream.js';
import { runChildCase } from '../support/child-case.js';
import { FleetDriver } from '../support/fleet-driver.js';
import { quantile, round, waitUntil } from '../support/measure.js';
import { type MeshMode, populate } from '../support/populate.js';
import { dataplaneResource, type SyntheticMesh } from '../support/synthetic-mesh.js';
import { type BenchZone, startBenchZone } from '../support/zone-control-plane.js';

export interface PropagationParams {
  readonly proxies: number;
  readonly services: number;
  readonly dataplanes: number;
  readonly mode: MeshMode;
  readonly protocol: Protocol;
  /** MeshServices each proxy lists in reachableBackends; absent = every proxy reaches every service. */
  readonly reach?: number;
  readonly repeats: number;
  readonly timeoutMs?: number;
}

export type EventKind = 'endpoint removed' | 'endpoint added' | 'new service' | 'route changed';

export interface EventSamples {
  readonly kind: EventKind;
  /** Per repeat: until the last affected proxy had it (ms). */
  readonly allMs: number[];
  /** Every affected proxy of every repeat (ms). */
  readonly perProxyMs: number[];
  readonly affected: number[];
  readonly touched: number[];
  readonly kb: number[];
  readonly resources: number[];
  /** Proxy configurations the control plane regenerated for the change (ProxySync's counter). */
  readonly regenerated: number[];
  readonly missing: number;
}

export interface PropagationResult extends PropagationParams {
  readonly events: EventSamples[];
  readonly cpuMsPerEvent: Record<string, number>;
}

const ctx = { mode: 'zone', zone: 'zone-1', environment: 'universal' } as const;

/** Two services whose port 8080 speaks HTTP: the route's destination and its 10 % split. */
function routeServices(mesh: SyntheticMesh, reachersOf: (s: string) => string[]): [string, string] {
  const http = mesh.services.filter((s) => s.ports[0]?.protocol === 'http' && reachersOf(s.name).length > 0);
  const [a, b] = http;
  if (!a || !b) throw new Error('the synthetic mesh has fewer than two HTTP services with reachers');
  return [a.name, b.name];
}

function route(to: string, split: string, weight: number): NewResource {
  const body = {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'MeshService', name: to },
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            default: {
              backendRefs: [
                { kind: 'MeshService', name: to, port: 8080, weight },
                { kind: 'MeshService', name: split, port: 8080, weight: 100 - weight },
              ],
            },
          },
        ],
      },
    ],
  };
  return admit({ kind: kindByName('MeshHTTPRoute'), name: 'bench-split', mesh: 'default', labels: {}, body }, ctx).resource;
}

export async function runCase(params: PropagationParams): Promise<PropagationResult> {
  const timeoutMs = params.timeoutMs ?? 120_000;
  const zone = await startBenchZone({ store: 'memory' });
  const fleet = new FleetDriver();
  try {
    const mesh = await populate(zone, { ...params, ...(params.reach !== undefined ? { reach: params.reach } : {}) });
    const connected = mesh.dataplanes.slice(0, params.proxies).map((dp) => dp.name);
    const reachersOf = (service: string): string[] =>
      connected.filter((dp) => mesh.reaches.get(dp)?.includes(service) ?? true).map((dp) => `default.${dp}`);
    const [routed, split] = routeServices(mesh, reachersOf);
    await zone.store.create(route(routed, split, 90));
    await zone.controllers.runner.settle();
    const result = await fleet.connect(zone.xdsAddress ?? '', params.protocol, connected.map((n) => `default.${n}`), 600_000);
    if (result.missing.length > 0) throw new Error(`${result.missing.length} proxies never got a full config`);
    await fleet.quiet(300, 30_000);
    const events: EventSamples[] = [];
    const cpuMsPerEvent: Record<string, number> = {};
    const run = async (kind: EventKind, change: (i: number) => Promise<{ affected: string[]; types: TypeKey[]; name?: () => Promise<string> }>): Promise<void> => {
      const samples: EventSamples = { kind, allMs: [], perProxyMs: [], affected: [], touched: [], kb: [], resources: [], regenerated: [], missing: 0 };
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < params.repeats; i++) {
        await fleet.mark(true);
        const recomputedBefore = zone.sync?.recomputations ?? 0;
        const t0 = epochNow();
        const planned = await change(i);
        const name = planned.name ? await planned.name() : undefined;
        const got = await fleet.arrived(planned.types, planned.affected, timeoutMs, name);
        const stats = await fleet.quiet(300, 60_000);
        const times = Object.values(got.at).map((t) => t - t0);
        samples.allMs.push(Math.max(0, ...times));
        samples.perProxyMs.push(...times);
        samples.affected.push(planned.affected.length);
        samples.touched.push(Object.keys(stats).length);
        samples.kb.push(Object.values(stats).reduce((n, s) => n + s.bytes, 0) / 1024);
        samples.resources.push(Object.values(stats).reduce((n, s) => n + s.resources + s.removed, 0));
        (samples as { missing: number }).missing += got.missing.length;
        await zone.controllers.runner.settle();
        samples.regenerated.push((zone.sync?.recomputations ?? 0) - recomputedBefore);
      }
      const cpu = process.cpuUsage(cpuBefore);
      cpuMsPerEvent[kind] = round((cpu.user + cpu.system) / 1000 / params.repeats);
      events.push(samples);
    };
    const services = mesh.services.filter((s) => s.dataplanes.length >= 2 && reachersOf(s.name).length > 0);
    const pick = (i: number) => services[(i * 7919) % services.length] ?? services[0];
    await run('endpoint removed', async (i) => {
      const svc = pick(i);
      if (!svc) throw new Error('no service to change');
      const name = svc.dataplanes[svc.dataplanes.length - 1] as string;
      const dp = (await zone.store.get({ type: 'Dataplane', mesh: 'default', name })) as Resource<DataplaneSpec>;
      const inbound = (dp.spec.networking?.inbound ?? []).map((ib) => ({ ...ib, state: 'NotReady' as const }));
      await zone.store.update({ ...dp, spec: { ...dp.spec, networking: { ...dp.spec.networking, inbound } } });
      return { affected: reachersOf(svc.name), types: ['eds'] };
    });
    let added = 0;
    await run('endpoint added', async (i) => {
      const svc = pick(i + 1000);
      if (!svc) throw new Error('no service to change');
      await zone.store.create(dataplaneResource('default', `${svc.name}-extra-${i}`, mesh.dataplanes.length + added++, svc, ctx));
      return { affected: reachersOf(svc.name), types: ['eds'] };
    });
    if (params.reach === undefined) {
      await run('new service', async (i) => {
        const service = `new-svc-${i}`;
        await zone.store.create(dataplaneResource('default', `${service}-0`, mesh.dataplanes.length + added++, { name: service, ports: [{ port: 8080, protocol: 'http' }] }, ctx));
        const key = { type: 'MeshService', mesh: 'default', name: service };
        const vip = async (): Promise<string> => {
          const { cache } = zone.controllers;
          const ipOf = () => (cache.get(key)?.status as MeshServiceStatus | undefined)?.vips?.[0]?.ip;
          await waitUntil((l) => cache.onChange(l), () => ipOf() !== undefined, timeoutMs, `a VIP for ${service}`);
          return `outbound:${ipOf() as string}:8080`;
        };
        return { affected: connected.map((n) => `default.${n}`), types: ['lds'], name: vip };
      });
    }
    await run('route changed', async (i) => {
      const current = await zone.store.get({ type: 'MeshHTTPRoute', mesh: 'default', name: 'bench-split' });
      if (!current) throw new Error('the bench route is gone');
      await zone.store.update({ ...route(routed, split, i % 2 === 0 ? 80 : 90), version: current.version });
      return { affected: reachersOf(routed), types: ['rds'] };
    });
    return { ...params, events, cpuMsPerEvent };
  } finally {
    await fleet.close();
    await zone.stop();
  }
}

async function caseRows(params: PropagationParams): Promise<{ rows: ScenarioResult['rows']; note: string }> {
  const r = await runChildCase<PropagationResult>('propagation', params, { timeoutMs: 1_800_000 });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rows = r.events.map((e) => ({
    proxies: r.proxies,
    services: r.services,
    reach: r.reach ?? 'all',
    protocol: r.protocol,
    change: e.kind,
    'all affected p50 ms': round(quantile(e.allMs, 0.5)),
    'p99 ms': round(quantile(e.allMs, 0.99)),
    'per proxy p50 ms': round(quantile(e.perProxyMs, 0.5)),
    'per proxy p99 ms': round(quantile(e.perProxyMs, 0.99)),
    affected: round(mean(e.affected)),
    touched: round(mean(e.touched)),
    'KB sent': round(mean(e.kb)),
    'resources sent': round(mean(e.resources)),
    'configs regenerated': round(mean(e.regenerated ?? [])),
    'CP CPU ms': r.cpuMsPerEvent[e.kind] ?? 0,
    missing: e.missing,
  }));
  return { rows, note: `${r.proxies} proxies, ${r.services} services (${r.dataplanes} Dataplanes, ${r.mode}, ${r.protocol}, reach ${r.reach ?? 'all'}): ${r.repeats} repeats per change` };
}

export async function run(opts: ScenarioOptions): Promise<ScenarioResult> {
  const base = { mode: 'Exclusive' as const, repeats: opts.quick ? 3 : 20 };
  const cases: PropagationParams[] = opts.quick
    ? [
        { ...base, proxies: 100, services: 50, dataplanes: 100, protocol: 'sotw' },
        { ...base, proxies: 100, services: 50, dataplanes: 100, protocol: 'delta' },
      ]
    : [
        { ...base, proxies: 100, services: 50, dataplanes: 100, protocol: 'sotw' },
        { ...base, proxies: 100, services: 50, dataplanes: 100, protocol: 'delta' },
        { ...base, proxies: 1000, services: 500, dataplanes: 1000, reach: 10, protocol: 'sotw' },
        { ...base, proxies: 1000, services: 500, dataplanes: 1000, reach: 10, protocol: 'delta' },
        { ...base, proxies: 1000, services: 50, dataplanes: 1000, protocol: 'delta', repeats: 5 },
      ];
  const rows: ScenarioResult['rows'] = [];
  const notes: string[] = [];
  for (const c of cases) {
    try {
      const out = await caseRows(c);
      rows.push(...out.rows);
      notes.push(out.note);
    } catch (err) {
      rows.push({ proxies: c.proxies, services: c.services, reach: c.reach ?? 'all', protocol: c.protocol, change: `failed: ${String(err).slice(0, 160)}` });
    }
  }
  notes.push('"all affected" = from the store write until the last proxy that reaches the changed service received the response carrying the change (EDS for endpoints, RDS for the route, the LDS response that holds the new service\'s outbound:<VIP>:8080 listener); p50/p99 over the repeats. "touched" = proxies that received anything at all after the write (until 300 ms without a response); "KB sent" and "resources sent" count everything they received, resources removed included.');
  notes.push('reach 10: every proxy lists 10 MeshServices in reachableBackends, so about P x 10 / services proxies reach each service; reach all: every proxy reaches every service (the worst case: every change touches every proxy).');
  return { name: 'propagation', rows, notes };
}
