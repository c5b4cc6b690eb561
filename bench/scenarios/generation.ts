/**
 * Generation at scale: Dataplanes arrive one per event-loop turn (as REST applies would) into a
 * zone control plane wired like `meshplane run`; the clock stops when every MeshService has a VIP
 * and a hostname, seen through the controllers' ResourceCache change events (no polling). Then:
 * time until every controller is idle, heap and RSS per Dataplane, and the latency of ONE new
 * Dataplane (a new kuma.io/service) until its MeshService has VIP and hostname.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import type { AdmissionContext } from '../../src/core/admission.js';
import type { Resource } from '../../src/core/resource.js';
import type { MeshServiceStatus } from '../../src/resources/mesh-service/types.js';
import type { ScenarioOptions, ScenarioResult } from '../scenario.js';
import { runChildCase } from '../support/child-case.js';
import { MB, memoryAfterGc, memoryMethod, now, quantile, round, waitUntil } from '../support/measure.js';
import { dataplaneResource, meshResource, syntheticMesh } from '../support/synthetic-mesh.js';
import { type BenchZone, startBenchZone } from '../support/zone-control-plane.js';

export interface GenerationParams {
  readonly dataplanes: number;
  readonly services: number;
  /** `memory` or `sqlite` (a fresh file in a temporary folder, synchronous=FULL as `meshplane run`). */
  readonly store: 'memory' | 'sqlite';
  /** How many single new Dataplanes to time after the bulk. */
  readonly singles: number;
  readonly timeoutMs?: number;
  /** Write a V8 heap snapshot here once the mesh is settled (for bench/heap-top.ts). */
  readonly heapSnapshot?: string;
}

export interface GenerationResult {
  readonly dataplanes: number;
  readonly services: number;
  readonly store: string;
  /** From the first create until the last Dataplane was stored. */
  readonly ingestMs: number;
  /** From the first create until every MeshService had VIP and hostname. */
  readonly allReadyMs: number;
  /** From the first create until every controller was idle (status counts written too). */
  readonly idleMs: number;
  /** CPU time (user + system) this process used from the first create until idle. */
  readonly cpuMs: number;
  /** CPU time per single new Dataplane, median. */
  readonly singleCpuP50Ms: number;
  readonly heapPerDataplaneKb: number;
  readonly rssPerDataplaneKb: number;
  readonly heapTotalMb: number;
  readonly rssTotalMb: number;
  readonly afterGc: boolean;
  readonly singleP50Ms: number;
  readonly singleP99Ms: number;
  readonly singleMaxMs: number;
  readonly singles: number;
  readonly controllerPasses: Record<string, number>;
}

const isReady = (r: Resource | undefined): boolean => {
  const status = r?.status as MeshServiceStatus | undefined;
  return (status?.vips?.length ?? 0) > 0 && (status?.addresses?.length ?? 0) > 0;
};

/** One case, in this process (the smoke test and the child entry both call it). */
export async function runCase(params: GenerationParams): Promise<GenerationResult> {
  const folder = params.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'meshplane-bench-')) : undefined;
  const zone = await startBenchZone({ store: folder ? `sqlite:${join(folder, 'bench.db')}` : 'memory' });
  try {
    return await measure(zone, params);
  } finally {
    await zone.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

async function measure(zone: BenchZone, params: GenerationParams): Promise<GenerationResult> {
  const timeoutMs = params.timeoutMs ?? 600_000;
  const { cache, runner } = zone.controllers;
  const mesh = syntheticMesh({ services: params.services, dataplanes: params.dataplanes });
  const current = await zone.store.get({ type: 'Mesh', mesh: '', name: 'default' });
  const wanted = meshResource('default', 'Exclusive');
  if (current) await zone.store.update({ ...wanted, version: current.version });
  await runner.settle();
  const before = await memoryAfterGc();

  const pending = new Set(mesh.services.map((s) => s.name));
  const onChange = (listener: () => void): (() => void) =>
    cache.onChange((e) => {
      if (e.resource.type === 'MeshService' && e.op !== 'delete' && isReady(e.resource)) pending.delete(e.resource.name);
      listener();
    });
  const started = now();
  const cpuBefore = process.cpuUsage();
  const allReady = waitUntil(onChange, () => pending.size === 0, timeoutMs, `${pending.size} MeshServices to get VIP and hostname`);
  for (const dp of mesh.dataplanes) {
    await zone.store.create(dp);
    await nextTurn();
  }
  const ingestMs = now() - started;
  await allReady;
  const allReadyMs = now() - started;
  await runner.settle();
  const idleMs = now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = await memoryAfterGc();
  if (params.heapSnapshot) writeHeapSnapshot(params.heapSnapshot);

  const singles = await timeSingles(zone, params.singles, params.dataplanes, timeoutMs);
  const passes = await controllerPasses(zone);
  const heap = after.heapUsed - before.heapUsed;
  const rss = after.rss - before.rss;
  return {
    dataplanes: params.dataplanes,
    services: params.services,
    store: params.store,
    ingestMs: round(ingestMs),
    allReadyMs: round(allReadyMs),
    idleMs: round(idleMs),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    singleCpuP50Ms: round(quantile(singles.cpu, 0.5), 2),
    heapPerDataplaneKb: round(heap / params.dataplanes / 1024),
    rssPerDataplaneKb: round(rss / params.dataplanes / 1024),
    heapTotalMb: round(after.heapUsed / MB),
    rssTotalMb: round(after.rss / MB),
    afterGc: after.afterGc,
    singleP50Ms: round(quantile(singles.wall, 0.5), 2),
    singleP99Ms: round(quantile(singles.wall, 0.99), 2),
    singleMaxMs: round(Math.max(...singles.wall), 2),
    singles: singles.wall.length,
    controllerPasses: passes,
  };
}

/** Each: one Dataplane of a new service, until its MeshService has VIP and hostname; then idle again. */
async function timeSingles(zone: BenchZone, count: number, offset: number, timeoutMs: number): Promise<{ wall: number[]; cpu: number[] }> {
  const { cache, runner } = zone.controllers;
  const ctx: AdmissionContext = { mode: 'zone', zone: zone.config.zone, environment: 'universal' };
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const service = `new-svc-${i}`;
    const dp = dataplaneResource('default', `${service}-0`, offset + i, { name: service, ports: [{ port: 8080, protocol: 'http' }] }, ctx);
    const key = { type: 'MeshService', mesh: 'default', name: service };
    const started = now();
    const cpuBefore = process.cpuUsage();
    const ready = waitUntil((l) => cache.onChange(l), () => isReady(cache.get(key)), timeoutMs, `MeshService ${service}`);
    await zone.store.create(dp);
    await ready;
    times.push(now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    await runner.settle();
  }
  return { wall: times, cpu };
}

/** How many passes each controller ran (the `_count` of its duration summary). */
async function controllerPasses(zone: BenchZone): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const metric of await zone.metrics.getMetricsAsJSON()) {
    for (const v of metric.values) {
      if (String((v as { metricName?: string }).metricName ?? '').endsWith('_count')) {
        const component = typeof v.labels.component === 'string' ? `:${v.labels.component}` : '';
        out[`${metric.name}${component}`] = v.value;
      }
    }
  }
  return out;
}

export interface GenerationCase {
  readonly dataplanes: number;
  readonly services: number;
}

export const FULL_CASES: readonly GenerationCase[] = [
  { dataplanes: 1_000, services: 500 },
  { dataplanes: 10_000, services: 5_000 },
];

export async function run(opts: ScenarioOptions): Promise<ScenarioResult> {
  const cases = opts.quick ? [{ dataplanes: 1_000, services: 500 }] : FULL_CASES;
  const stores: ('memory' | 'sqlite')[] = opts.quick ? ['sqlite'] : ['sqlite', 'memory'];
  const rows: ScenarioResult['rows'] = [];
  const notes: string[] = [];
  let gcSeen = true;
  for (const c of cases) {
    for (const store of stores) {
      const params: GenerationParams = { ...c, store, singles: opts.quick ? 5 : 30 };
      const r = await runChildCase<GenerationResult>('generation', params, { timeoutMs: 900_000 });
      gcSeen &&= r.afterGc;
      rows.push({
        dataplanes: r.dataplanes,
        services: r.services,
        store: r.store,
        'ingest ms': r.ingestMs,
        'all VIP+hostname ms': r.allReadyMs,
        'all idle ms': r.idleMs,
        'CPU ms': r.cpuMs,
        'heap KB/DP': r.heapPerDataplaneKb,
        'RSS KB/DP': r.rssPerDataplaneKb,
        'heap total MB': r.heapTotalMb,
        'one new DP p50 ms': r.singleP50Ms,
        'one new DP p99 ms': r.singleP99Ms,
        'one new DP max ms': r.singleMaxMs,
        'one new DP CPU ms': r.singleCpuP50Ms,
      });
      notes.push(`${r.dataplanes}/${r.services} ${r.store}: controller passes ${JSON.stringify(r.controllerPasses)}`);
    }
  }
  notes.push(memoryMethod(gcSeen));
  notes.push('Dataplanes are created one per event-loop turn straight into the store (admitted beforehand), like REST applies arriving back to back; "all VIP+hostname" stops when the last MeshService event carrying both is seen on the ResourceCache; "all idle" when every controller has finished (status counts too).');
  notes.push('"one new DP": a Dataplane of a new kuma.io/service is created on the settled mesh; timed until its MeshService has a VIP and a hostname (cache event), then the controllers settle before the next one.');
  notes.push('Each case runs in its own child process with xDS (ProxySync + ADS server, no proxy connected) and DNS started, as `meshplane run` does; the sqlite store is a fresh file with synchronous=FULL (the default).');
  return { name: 'generation', rows, notes };
}
