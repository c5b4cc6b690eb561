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
 * Only meshes whose set of service values changed are recomputed (the controller counts the
 * Dataplanes carrying each value), so a Dataplane of a known service, or an update that keeps its
 * values (health, address), wakes nothing; the recomputation itself looks only at the values that
 * came or went (LegacyVipBook). A record of 1,000 or more VIPs is written at most every 100 ms:
 * each write re-encodes the whole record, so a burst of new services goes out in one write.
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
  type LegacyVipsResult,
  type LegacyVipsSpec,
} from '../ipam/legacy-vips.js';
import { LegacyVipBook } from '../ipam/legacy-vip-book.js';
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
/** From this many services on, a mesh's record is written at most once per interval. */
export const LARGE_RECORD = 1_000;
export const LARGE_RECORD_WRITE_INTERVAL_MS = 100;

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
  /** Mesh -> epoch ms of the last write of its record. */
  private readonly lastWriteAt = new Map<string, number>();
  /** Mesh -> services that came or went since its last pass (what its book must look at). */
  private readonly cameOrWent = new Map<string, Set<string>>();
  /** Mesh -> its VIPs as last written, and the version of the record that holds them. */
  private readonly books = new Map<string, { readonly book: LegacyVipBook; readonly version: number | undefined }>();
  /** Mesh -> service value -> how many Dataplanes carry it; built on the first pass, then kept from events. */
  private services: Map<string, Map<string, number>> | undefined;

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

  /**
   * Records which mesh changed: only when its set of service values changes (or a service still
   * waits on an exhausted pool). Our own record writes wake nothing, a deleted record does.
   */
  wakesOn(e: StoreEvent): boolean {
    if (e.resource.type === LEGACY_VIPS_TYPE) {
      if (e.op !== 'delete') return false;
      this.dirty.add(e.resource.mesh);
      return true;
    }
    if (e.resource.type !== 'Dataplane') return false;
    const before = e.previous ? serviceTagsOf(e.previous.spec as DataplaneSpec) : [];
    const after = e.op === 'delete' ? [] : serviceTagsOf(e.resource.spec as DataplaneSpec);
    if (e.op === 'delete' && !e.previous) before.push(...serviceTagsOf(e.resource.spec as DataplaneSpec));
    if (this.services === undefined) {
      // Not counted yet: the first pass counts from the cache, which already holds this change.
      if (isDeepStrictEqual(new Set(before), new Set(after)) && e.op === 'update') return false;
      this.dirty.add(e.resource.mesh);
      return true;
    }
    const counts = this.services.get(e.resource.mesh) ?? new Map<string, number>();
    this.services.set(e.resource.mesh, counts);
    const moved = new Set<string>();
    for (const s of before) {
      const n = (counts.get(s) ?? 0) - 1;
      if (n > 0) counts.set(s, n);
      else {
        counts.delete(s);
        moved.add(s);
      }
    }
    for (const s of after) {
      const n = (counts.get(s) ?? 0) + 1;
      counts.set(s, n);
      if (n === 1) moved.add(s);
    }
    if (counts.size === 0) this.services.delete(e.resource.mesh);
    const changed = moved.size > 0;
    if (changed) {
      const pending = this.cameOrWent.get(e.resource.mesh) ?? new Set<string>();
      for (const s of moved) pending.add(s);
      this.cameOrWent.set(e.resource.mesh, pending);
    }
    if (!changed && !this.exhaustedLogged.has(e.resource.mesh)) return false;
    this.dirty.add(e.resource.mesh);
    return true;
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    const meshes = new Set(this.dirty);
    this.dirty.clear();
    if (this.everything || this.services === undefined) {
      this.services = countServices(cache.list('Dataplane'));
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
    const counts = this.services?.get(mesh) ?? new Map<string, number>();
    const last = this.lastWriteAt.get(mesh);
    if (counts.size >= LARGE_RECORD && last !== undefined && now.getTime() - last < LARGE_RECORD_WRITE_INTERVAL_MS) {
      // Rewriting a record of thousands of VIPs for every new service would cost O(services) each
      // time: changes that come faster than the interval wait for it and go out in one write.
      this.deadlines.set(mesh, Math.min(this.deadlines.get(mesh) ?? Infinity, last + LARGE_RECORD_WRITE_INTERVAL_MS));
      return;
    }
    const services = { has: (s: string) => counts.has(s), [Symbol.iterator]: () => counts.keys() };
    const options = { cidr: this.cidr, exclude: this.exclude, holdMs: this.deps.config?.holdMs };
    const cameOrWent = this.cameOrWent.get(mesh) ?? new Set<string>();
    this.cameOrWent.delete(mesh);
    let held = this.books.get(mesh);
    let result: LegacyVipsResult;
    let same: boolean | undefined;
    if (held !== undefined && held.version === record?.version) {
      const next = held.book.next(services, now, cameOrWent);
      result = next;
      same = !next.changed;
    } else {
      // The record is not the one we last wrote (first pass, a failed write): start from it.
      result = nextLegacyVips({ current: record ? readLegacyVipsSpec(record.spec) : undefined, services, now, ...options });
      held = { book: new LegacyVipBook(result.spec, options, result.exhausted), version: undefined };
    }
    if (result.allocated > 0) this.metrics.allocations.inc({ cidr: this.cidr }, result.allocated);
    this.noteExhausted(mesh, result.exhausted, result.error);
    const written = await this.write(mesh, record, result.spec, same);
    if (written.ok && written.version !== record?.version) this.lastWriteAt.set(mesh, now.getTime());
    if (written.ok) this.books.set(mesh, { book: held.book, version: written.version });
    else this.books.delete(mesh);
    const deadline = written.ok ? result.nextHoldExpiry?.getTime() : now.getTime() + RETRY_MS;
    if (deadline === undefined) this.deadlines.delete(mesh);
    else this.deadlines.set(mesh, deadline);
  }

  /**
   * Creates, updates or (when nothing is left) deletes the mesh's record; on success, the version
   * of the record now stored (undefined: none). `same` skips comparing a large record when known.
   */
  private async write(mesh: string, record: Resource | undefined, spec: LegacyVipsSpec, same: boolean | undefined): Promise<{ ok: true; version: number | undefined } | { ok: false }> {
    const { store, logger } = this.deps;
    const empty = Object.keys(spec.vips).length === 0 && spec.holds === undefined;
    try {
      if (!record) {
        if (empty) return { ok: true, version: undefined };
        return { ok: true, version: (await store.create({ type: LEGACY_VIPS_TYPE, mesh, name: mesh, labels: {}, spec })).version };
      }
      if (empty) {
        await store.delete(record, { version: record.version });
        return { ok: true, version: undefined };
      }
      if (same ?? isDeepStrictEqual(record.spec, spec)) return { ok: true, version: record.version };
      return { ok: true, version: (await store.update({ type: LEGACY_VIPS_TYPE, mesh, name: mesh, labels: record.labels, spec, version: record.version })).version };
    } catch (err) {
      if (!(err instanceof ResourceConflictError || err instanceof ResourceNotFoundError)) {
        logger.error({ err, mesh }, 'could not store the legacy VIPs of a mesh; retrying shortly (is LegacyVips in the cache?)');
      }
      return { ok: false };
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

/** Mesh -> service value -> how many of the Dataplanes carry it. */
function countServices(dataplanes: readonly Resource[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const dp of dataplanes) {
    const counts = out.get(dp.mesh) ?? new Map<string, number>();
    out.set(dp.mesh, counts);
    for (const s of serviceTagsOf(dp.spec as DataplaneSpec)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return out;
}
