/**
 * Full xDS config at scale: a zone control plane (wired like `meshplane run`) with a generated mesh
 * of D services; P of its Dataplanes connect at once over real ADS streams (light grpc-js clients
 * in a separate process, one connection each). Per case: time until each proxy has CDS, EDS, LDS
 * and RDS, time until all have, bytes and resources per proxy, control-plane CPU and heap. The
 * same sizes run in Exclusive and Everywhere, so the Everywhere / Exclusive ratio comes from one run.
 */
import { writeHeapSnapshot } from 'node:v8';
import { sharedEncodingMemo } from '../../src/xds/envoy/encoding-memo.js';
import type { ScenarioOptions, ScenarioResult } from '../scenario.js';
import type { Protocol } from '../support/ads-stream.js';
import { runChildCase } from '../support/child-case.js';
import { FleetDriver } from '../support/fleet-driver.js';
import { MB, memoryAfterGc, quantile, round } from '../support/measure.js';
import { type MeshMode, populate } from '../support/populate.js';
import { startBenchZone } from '../support/zone-control-plane.js';

export interface XdsParams {
  readonly proxies: number;
  readonly services: number;
  readonly dataplanes: number;
  readonly mode: MeshMode;
  readonly protocol: Protocol;
  readonly timeoutMs?: number;
  /** Write a V8 heap snapshot here once every proxy has its config (for bench/heap-top.ts). */
  readonly heapSnapshot?: string;
}

export interface XdsResult extends XdsParams {
  readonly connected: number;
  readonly missing: number;
  readonly perProxyP50Ms: number;
  readonly perProxyP99Ms: number;
  readonly allMs: number;
  readonly kbPerProxy: number;
  readonly resourcesPerProxy: Record<string, number>;
  readonly cpuMs: number;
  readonly heapMb: number;
  readonly heapPerProxyKb: number;
  readonly recomputations: number;
  readonly encodeHits: number;
  readonly encodeMisses: number;
}

export async function runCase(params: XdsParams): Promise<XdsResult> {
  const timeoutMs = params.timeoutMs ?? 600_000;
  const zone = await startBenchZone({ store: 'memory' });
  const fleet = new FleetDriver();
  try {
    const mesh = await populate(zone, { services: params.services, dataplanes: params.dataplanes, mode: params.mode, timeoutMs });
    const nodes = mesh.dataplanes.slice(0, params.proxies).map((dp) => `default.${dp.name}`);
    const before = await memoryAfterGc();
    const memo = sharedEncodingMemo.stats;
    const cpuBefore = process.cpuUsage();
    const result = await fleet.connect(zone.xdsAddress ?? '', params.protocol, nodes, timeoutMs);
    const cpu = process.cpuUsage(cpuBefore);
    const after = await memoryAfterGc();
    if (params.heapSnapshot) writeHeapSnapshot(params.heapSnapshot);
    const full = result.nodes.filter((n) => n.full !== undefined);
    const latencies = full.map((n) => (n.full as number) - n.openedAt);
    const firstOpen = Math.min(...result.nodes.map((n) => n.openedAt));
    const resources: Record<string, number> = {};
    for (const n of full) for (const [t, c] of Object.entries(n.resources)) resources[t] = (resources[t] ?? 0) + (c ?? 0) / full.length;
    const memoAfter = sharedEncodingMemo.stats;
    return {
      ...params,
      connected: full.length,
      missing: result.missing.length,
      perProxyP50Ms: round(quantile(latencies, 0.5)),
      perProxyP99Ms: round(quantile(latencies, 0.99)),
      allMs: round(Math.max(...full.map((n) => n.full as number)) - firstOpen),
      kbPerProxy: round(full.reduce((s, n) => s + n.bytes, 0) / full.length / 1024),
      resourcesPerProxy: Object.fromEntries(Object.entries(resources).map(([t, c]) => [t, round(c)])),
      cpuMs: round((cpu.user + cpu.system) / 1000),
      heapMb: round(after.heapUsed / MB),
      heapPerProxyKb: round((after.heapUsed - before.heapUsed) / params.proxies / 1024),
      recomputations: zone.sync?.recomputations ?? 0,
      encodeHits: memoAfter.hits - memo.hits,
      encodeMisses: memoAfter.misses - memo.misses,
    };
  } finally {
    await fleet.close();
    await zone.stop();
  }
}

/** Dataplanes for a case: 2 per service, or one per proxy when proxies need more. */
export function dataplanesFor(proxies: number, services: number): number {
  return Math.max(2 * services, proxies);
}

export async function run(opts: ScenarioOptions): Promise<ScenarioResult> {
  // Proxies of one shape share their outbound resources, so Everywhere at 1,000 x 500 now fits
  // (before the sharing it held ~8 GB and did not finish connecting in 10 minutes).
  const sizes: [number, number, readonly MeshMode[]][] = opts.quick
    ? [[100, 50, ['Exclusive', 'Everywhere']]]
    : [
        [100, 50, ['Exclusive', 'Everywhere']],
        [100, 500, ['Exclusive', 'Everywhere']],
        [1000, 50, ['Exclusive', 'Everywhere']],
        [1000, 500, ['Exclusive', 'Everywhere']],
        [100, 5000, ['Exclusive', 'Everywhere']],
      ];
  const rows: ScenarioResult['rows'] = [];
  const notes: string[] = [];
  for (const [proxies, services, modes] of sizes) {
    const byMode = new Map<MeshMode, XdsResult>();
    for (const mode of modes) {
      const dataplanes = dataplanesFor(proxies, services);
      let r: XdsResult;
      try {
        r = await runChildCase<XdsResult>('xds', { proxies, services, dataplanes, mode, protocol: 'sotw' }, { timeoutMs: 1_800_000, maxOldSpaceMb: 14_000 });
      } catch (err) {
        rows.push({ proxies, destinations: services, mode, 'full config p50 ms': `failed: ${String(err).slice(0, 120)}` });
        continue;
      }
      byMode.set(mode, r);
      const total = Object.values(r.resourcesPerProxy).reduce((a, b) => a + b, 0);
      const exclusive = byMode.get('Exclusive');
      const exclusiveTotal = exclusive ? Object.values(exclusive.resourcesPerProxy).reduce((a, b) => a + b, 0) : 0;
      rows.push({
        proxies,
        destinations: services,
        mode,
        'full config p50 ms': r.perProxyP50Ms,
        'p99 ms': r.perProxyP99Ms,
        'all proxies ms': r.allMs,
        'KB/proxy': r.kbPerProxy,
        'resources/proxy': round(total),
        'CDS/EDS/LDS/RDS': ['cds', 'eds', 'lds', 'rds'].map((t) => r.resourcesPerProxy[t] ?? 0).join('/'),
        'vs Exclusive': mode === 'Everywhere' && exclusive ? `${round(total / exclusiveTotal, 2)}x res, ${round(r.kbPerProxy / exclusive.kbPerProxy, 2)}x bytes` : '',
        'CP CPU ms': r.cpuMs,
        'CP heap MB': r.heapMb,
        missing: r.missing,
      });
      notes.push(`${proxies}x${services} ${mode}: ${r.dataplanes} Dataplanes, ${r.recomputations} proxy configs generated, ${r.encodeMisses} resources encoded (memo hits ${r.encodeHits}: proxies of one shape share an encoded layer and look nothing up), heap +${r.heapPerProxyKb} KB per connected proxy`);
    }
  }
  notes.push('Destinations = MeshServices of the mesh (1-3 ports each; http, grpc, tcp), every proxy reaches all of them; Everywhere adds a kuma.io/service destination per service. Proxies are Dataplanes of the mesh; they all open their stream at once (a control-plane restart).');
  notes.push('"full config" = from stream open until the first CDS, EDS, LDS and RDS responses have all arrived at the client (clients ACK at once; EDS/RDS are subscribed with an explicit "*" instead of by name, which saves Envoy\'s extra round trip per type). Bytes are serialized DiscoveryResponse sizes as received. CP CPU = user+system time of the control-plane process from the first stream to the last full config.');
  return { name: 'xds', rows, notes };
}
