/**
 * Kuma 2.x legacy VIPs: every `kuma.io/service` value on a Dataplane inbound of a mesh gets an
 * address from 240.0.0.0/4 (DNS name `<service>.mesh`), kept stable in an internal `LegacyVip`
 * record per service (legacy-vip-records.ts) and released, with the same hold rule as MeshService
 * VIPs, when no Dataplane of the mesh carries the value any more.
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
 * came or went (LegacyVipBook), and only the records of those services (and of holds that end)
 * are written: a new service in a mesh of thousands is one small create, never a mesh-wide rewrite.
 *
 * Records are named by address, so the store refuses a second holder of one address: a create
 * refused (a previous leader's write this instance's cache has not seen) rebuilds the mesh from the
 * store and tries again, and a leadership term's first pass reads the store rather than the cache.
 *
 * Upgrade: a store written by an older version holds one `LegacyVips` record per mesh. The first
 * pass over such a mesh writes its VIPs and holds as per-service records, then deletes the old
 * record; a crash in between only repeats the same writes on the next start.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Resource } from '../core/resource.js';
import { LEGACY_VIP_TYPE, legacyVipKey, legacyVipRecordsOf, legacyVipsOf, legacyVipsSpecFrom, readLegacyVipRecord, storedLegacyVips } from '../ipam/legacy-vip-records.js';
import { DEFAULT_LEGACY_VIP_CIDR, LEGACY_VIPS_TYPE, nextLegacyVips, type LegacyVipsResult } from '../ipam/legacy-vips.js';
import { LegacyVipBook } from '../ipam/legacy-vip-book.js';
import { type VipMetrics, vipMetrics } from '../ipam/vip-metrics.js';
import { VipPool } from '../ipam/vip-pool.js';
import { type DataplaneSpec, serviceTagsOf } from '../resources/dataplane/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import { readLegacyVipStore, writeLegacyVipRecords } from './legacy-vip-store-io.js';
import type { ResourceCache } from './resource-cache.js';

export { DEFAULT_LEGACY_VIP_CIDR, LEGACY_VIP_TYPE, LEGACY_VIPS_TYPE, legacyVipsOf };
/** The types this controller reads (the old per-mesh type to convert it); the ResourceCache must hold them. */
export const LEGACY_VIP_ALLOCATOR_TYPES: readonly string[] = ['Dataplane', LEGACY_VIP_TYPE, LEGACY_VIPS_TYPE];
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
  /** Mesh -> services whose record was deleted (by us, or not: the pass tells). */
  private readonly deletedRecords = new Map<string, Set<string>>();
  /** Mesh -> services that came or went since its last pass (what its book must look at). */
  private readonly cameOrWent = new Map<string, Set<string>>();
  /** Mesh -> its VIPs as last written (dropped when a write fails or a record goes behind our back). */
  private readonly books = new Map<string, LegacyVipBook>();
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
    if (e.resource.type === LEGACY_VIP_TYPE) {
      const service = readLegacyVipRecord(e.resource.spec)?.service;
      if (e.op !== 'delete' || service === undefined) return false;
      const deleted = this.deletedRecords.get(e.resource.mesh) ?? new Set<string>();
      this.deletedRecords.set(e.resource.mesh, deleted.add(service));
      this.dirty.add(e.resource.mesh);
      return true;
    }
    if (e.resource.type === LEGACY_VIPS_TYPE) return false;
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
      for (const r of [...cache.list('Dataplane'), ...cache.list(LEGACY_VIP_TYPE), ...cache.list(LEGACY_VIPS_TYPE)]) meshes.add(r.mesh);
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
    const counts = this.services?.get(mesh) ?? new Map<string, number>();
    const services = { has: (s: string) => counts.has(s), [Symbol.iterator]: () => counts.keys() };
    const options = { cidr: this.cidr, exclude: this.exclude, holdMs: this.deps.config?.holdMs };
    const cameOrWent = this.cameOrWent.get(mesh) ?? new Set<string>();
    this.cameOrWent.delete(mesh);
    const deleted = this.deletedRecords.get(mesh) ?? new Set<string>();
    this.deletedRecords.delete(mesh);
    let book = this.books.get(mesh);
    // A record of ours deleted by someone else: the book no longer says what is stored.
    if (book !== undefined && [...deleted].some((s) => isGone(book?.recordOf(s)?.vip))) book = undefined;
    if (book !== undefined && cache.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh }) !== undefined) book = undefined;
    let ok = false;
    let result: Omit<LegacyVipsResult, 'spec'> = { exhausted: [], allocated: 0, nextHoldExpiry: undefined };
    // A write refused because another instance (a previous leader) holds the address: rebuild from the store, again.
    for (let attempt = 0; attempt < 3 && !ok; attempt++) {
      let touched: Iterable<string>;
      let strays: Resource[] = [];
      let records: readonly Resource[];
      let old: Resource | undefined;
      if (book !== undefined) {
        const next = book.next(services, now, cameOrWent);
        result = next;
        touched = next.touched;
        // Records are named by address: those the pass moved are all it needs (not the mesh's list).
        records = next.addresses.flatMap((ip) => cache.get(legacyVipKey(mesh, ip)) ?? []);
      } else {
        // A term's first pass, a failed write, or an old per-mesh record to convert: start from
        // what the store holds (the cache may lag behind a previous leader's last writes).
        const read = await readLegacyVipStore(this.deps, mesh);
        if (read === undefined) break;
        ({ records, old } = read);
        const { stored, strays: unreadable } = storedLegacyVips(old?.spec, records);
        strays = unreadable;
        const full = nextLegacyVips({ current: legacyVipsSpecFrom(stored.values()), services, now, ...options });
        result = full;
        book = new LegacyVipBook(full.spec, options, full.exhausted);
        touched = [...new Set([...stored.keys(), ...legacyVipRecordsOf(full.spec).keys()])].sort();
      }
      ok = await writeLegacyVipRecords(this.deps, { mesh, book, touched, records, strays, old, now });
      if (!ok) book = undefined;
    }
    if (result.allocated > 0) this.metrics.allocations.inc({ cidr: this.cidr }, result.allocated);
    this.noteExhausted(mesh, result.exhausted, result.error);
    if (ok && book !== undefined) this.books.set(mesh, book);
    else this.books.delete(mesh);
    const deadline = ok ? result.nextHoldExpiry?.getTime() : now.getTime() + RETRY_MS;
    if (deadline === undefined) this.deadlines.delete(mesh);
    else this.deadlines.set(mesh, deadline);

    function isGone(vip: string | undefined): boolean {
      return vip !== undefined && cache.get(legacyVipKey(mesh, vip)) === undefined;
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
