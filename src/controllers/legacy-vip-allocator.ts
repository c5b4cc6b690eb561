/**
 * Kuma 2.x legacy VIPs: every `kuma.io/service` value on a Dataplane inbound of a mesh gets an
 * address from 240.0.0.0/4 (DNS name `<service>.mesh`), kept stable in the mesh's internal
 * `LegacyVips` record and released, with the same hold rule as MeshService VIPs, when no
 * Dataplane of the mesh carries the value any more.
 *
 * Allocation runs whatever the mesh's `meshServices.mode`: readers (DNS, xDS) skip Exclusive
 * meshes, and keeping the addresses means a switch back from Exclusive (a migration rolled back)
 * finds every service at its old address. The pool leaves out the MeshService, MeshExternalService
 * and MeshMultiZoneService CIDRs (241/8, 242/8, 243/8 lie inside 240/4), so a legacy VIP never
 * equals a MeshService VIP, which would give two listeners the same `outbound:<ip>:<port>`.
 *
 * Only meshes touched by a change are recomputed, and a Dataplane update that keeps its service
 * values (health, address) wakes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import {
  DEFAULT_LEGACY_VIP_CIDR,
  LEGACY_VIPS_TYPE,
  legacyVipsOf,
  nextLegacyVips,
  readLegacyVipsSpec,
  type LegacyVipsSpec,
} from '../ipam/legacy-vips.js';
import { type VipMetrics, vipMetrics } from '../ipam/vip-metrics.js';
import { VipPool } from '../ipam/vip-pool.js';
import { type DataplaneSpec, serviceTagsOf } from '../resources/dataplane/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

export { DEFAULT_LEGACY_VIP_CIDR, LEGACY_VIPS_TYPE, legacyVipsOf };
/** The types this controller reads; the ResourceCache must hold them (DNS reads LegacyVips too). */
export const LEGACY_VIP_ALLOCATOR_TYPES: readonly string[] = ['Dataplane', LEGACY_VIPS_TYPE];
/** The MeshService, MeshExternalService and MeshMultiZoneService default CIDRs. */
export const DEFAULT_LEGACY_EXCLUDE: readonly string[] = ['241.0.0.0/8', '242.0.0.0/8', '243.0.0.0/8'];
const RETRY_MS = 5_000;

export interface LegacyVipAllocatorConfig {
  readonly cidr?: string;
  readonly holdMs?: number;
  /** Ranges inside the CIDR never handed out; pass the configured MeshService-family CIDRs. */
  readonly exclude?: readonly string[];
}

export class LegacyVipAllocator implements Controller {
  readonly name = 'legacy-vip-allocator';
  private readonly cidr: string;
  private readonly metrics: VipMetrics;
  private readonly dirty = new Set<string>();
  private everything = true;
  /** Mesh -> epoch ms of its earliest hold end, or of a retry after a failed write. */
  private readonly deadlines = new Map<string, number>();
  private readonly exhaustedLogged = new Map<string, Set<string>>();

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly config?: LegacyVipAllocatorConfig;
      readonly metrics?: Registry;
    },
  ) {
    this.cidr = deps.config?.cidr ?? DEFAULT_LEGACY_VIP_CIDR;
    // Fails at start-up, not in a pass, on a bad CIDR or hold period.
    new VipPool({ cidr: this.cidr, holdMs: deps.config?.holdMs, exclude: this.exclude });
    this.metrics = vipMetrics(deps.metrics ?? new Registry());
  }

  private get exclude(): readonly string[] {
    return this.deps.config?.exclude ?? DEFAULT_LEGACY_EXCLUDE;
  }

  /** Records which mesh changed; our own record writes wake nothing, a deleted record does. */
  wakesOn(e: StoreEvent): boolean {
    if (e.resource.type === LEGACY_VIPS_TYPE && e.op !== 'delete') return false;
    if (e.resource.type === 'Dataplane' && e.op === 'update' && e.previous) {
      const before = serviceTagsOf(e.previous.spec as DataplaneSpec);
      const after = serviceTagsOf(e.resource.spec as DataplaneSpec);
      if (isDeepStrictEqual(new Set(before), new Set(after))) return false;
    }
    if (!LEGACY_VIP_ALLOCATOR_TYPES.includes(e.resource.type)) return false;
    this.dirty.add(e.resource.mesh);
    return true;
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    const meshes = new Set(this.dirty);
    this.dirty.clear();
    if (this.everything) {
      for (const r of [...cache.list('Dataplane'), ...cache.list(LEGACY_VIPS_TYPE)]) meshes.add(r.mesh);
      this.everything = false;
    }
    for (const [mesh, at] of this.deadlines) if (at <= now.getTime()) meshes.add(mesh);
    for (const mesh of [...meshes].sort()) await this.reconcileMesh(mesh, now);
    this.metrics.pass.observe({ component: this.name }, performance.now() - started);
    const earliest = Math.min(...this.deadlines.values());
    return Number.isFinite(earliest) ? { nextRunAt: new Date(earliest) } : {};
  }

  private async reconcileMesh(mesh: string, now: Date): Promise<void> {
    const { cache } = this.deps;
    const record = cache.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh });
    const services = new Set(cache.list('Dataplane', mesh).flatMap((dp) => serviceTagsOf(dp.spec as DataplaneSpec)));
    const result = nextLegacyVips({
      current: record ? readLegacyVipsSpec(record.spec) : undefined,
      services,
      now,
      cidr: this.cidr,
      exclude: this.exclude,
      holdMs: this.deps.config?.holdMs,
    });
    if (result.allocated > 0) this.metrics.allocations.inc({ cidr: this.cidr }, result.allocated);
    this.noteExhausted(mesh, result.exhausted, result.error);
    const written = await this.write(mesh, record, result.spec);
    const deadline = written ? result.nextHoldExpiry?.getTime() : now.getTime() + RETRY_MS;
    if (deadline === undefined) this.deadlines.delete(mesh);
    else this.deadlines.set(mesh, deadline);
  }

  /** Creates, updates or (when nothing is left) deletes the mesh's record; false on a failure. */
  private async write(mesh: string, record: Resource | undefined, spec: LegacyVipsSpec): Promise<boolean> {
    const { store, logger } = this.deps;
    const empty = Object.keys(spec.vips).length === 0 && spec.holds === undefined;
    try {
      if (!record) {
        if (!empty) await store.create({ type: LEGACY_VIPS_TYPE, mesh, name: mesh, labels: {}, spec });
      } else if (empty) {
        await store.delete(record, { version: record.version });
      } else if (!isDeepStrictEqual(record.spec, spec)) {
        await store.update({ type: LEGACY_VIPS_TYPE, mesh, name: mesh, labels: record.labels, spec, version: record.version });
      }
      return true;
    } catch (err) {
      if (!(err instanceof ResourceConflictError || err instanceof ResourceNotFoundError)) {
        logger.error({ err, mesh }, 'could not store the legacy VIPs of a mesh; retrying shortly (is LegacyVips in the cache?)');
      }
      return false;
    }
  }

  private noteExhausted(mesh: string, exhausted: readonly string[], error: string | undefined): void {
    const logged = this.exhaustedLogged.get(mesh) ?? new Set<string>();
    for (const service of logged) if (!exhausted.includes(service)) logged.delete(service);
    for (const service of exhausted) {
      if (logged.has(service)) continue;
      logged.add(service);
      this.metrics.exhausted.inc({ cidr: this.cidr });
      this.deps.logger.warn({ mesh, service }, error ?? 'could not allocate a legacy VIP');
    }
    if (logged.size > 0) this.exhaustedLogged.set(mesh, logged);
    else this.exhaustedLogged.delete(mesh);
  }
}
