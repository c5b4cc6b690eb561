/**
 * Prometheus metrics of the VIP pools, shared by the MeshService and the legacy allocator (one
 * registry may hold both, so each metric is looked up before it is created).
 */
import { Counter, Gauge, type Registry, Summary } from 'prom-client';
import type { VipPool } from './vip-pool.js';

export interface VipMetrics {
  /** Addresses of a pool by state: in_use, on_hold, free. */
  readonly addresses: Gauge<'cidr' | 'state'>;
  readonly allocations: Counter<'cidr'>;
  /** Resources that found the pool exhausted, counted once per resource. */
  readonly exhausted: Counter<'cidr'>;
  /** Duration of one allocator pass, by component (Kuma: `component_vip_allocator`). */
  readonly pass: Summary<'component'>;
}

export function vipMetrics(registry: Registry): VipMetrics {
  return {
    addresses: getOrCreate(registry, 'meshplane_vip_pool_addresses', () =>
      new Gauge({ name: 'meshplane_vip_pool_addresses', help: 'Addresses of a VIP pool by state (in_use, on_hold, free)', labelNames: ['cidr', 'state'] as const, registers: [registry] }),
    ),
    allocations: getOrCreate(registry, 'meshplane_vip_allocations_total', () =>
      new Counter({ name: 'meshplane_vip_allocations_total', help: 'VIPs handed out, by pool', labelNames: ['cidr'] as const, registers: [registry] }),
    ),
    exhausted: getOrCreate(registry, 'meshplane_vip_pool_exhausted_total', () =>
      new Counter({ name: 'meshplane_vip_pool_exhausted_total', help: 'Resources left without a VIP because the pool was exhausted (once per resource)', labelNames: ['cidr'] as const, registers: [registry] }),
    ),
    pass: getOrCreate(registry, 'component_vip_allocator', () =>
      new Summary({ name: 'component_vip_allocator', help: 'Duration in milliseconds of one VIP allocator pass', labelNames: ['component'] as const, registers: [registry] }),
    ),
  };
}

export function recordPoolState(metrics: VipMetrics, pool: VipPool): void {
  const { inUse, onHold, capacity } = pool.stats();
  metrics.addresses.set({ cidr: pool.cidr, state: 'in_use' }, inUse);
  metrics.addresses.set({ cidr: pool.cidr, state: 'on_hold' }, onHold);
  metrics.addresses.set({ cidr: pool.cidr, state: 'free' }, Number(capacity - BigInt(inUse + onHold)));
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
