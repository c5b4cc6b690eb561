/**
 * Gives every MeshService (241.0.0.0/8) and MeshMultiZoneService (243.0.0.0/8), local and synced,
 * that has an empty `status.vips` one VIP (semantics 4, 6.4), event-driven.
 *
 * Differences from Kuma on purpose (quirk Q11, anchors 3.2 "VIP churn"):
 * - a VIP never changes while its resource lives: if someone wipes the status (a generator update,
 *   a sync that drops status), the same address is written back, and a failed write keeps the
 *   address for that resource instead of leaking it;
 * - two resources never share one: the older keeps it, the newer gets a new one (logged);
 * - a deleted resource's address is held for the hold period (default 1 h) before reuse, and the
 *   holds are kept in the store (`VipHold`), so a restart does not hand them out early;
 * - exhaustion is logged once per resource, counted, and written as a status condition; the next
 *   try comes with the next change or when a hold ends, never in a loop.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ConfigError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { describeKey, type Resource } from '../core/resource.js';
import { parseCidr, rangesOverlap } from '../ipam/ip-range.js';
import { ownerIdOf, scanClaims, vipsOf } from '../ipam/vip-claims.js';
import { HoldBook } from '../ipam/hold-book.js';
import { recordPoolState, type VipMetrics, vipMetrics } from '../ipam/vip-metrics.js';
import { VipPool } from '../ipam/vip-pool.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

export const DEFAULT_MESH_SERVICE_CIDR = '241.0.0.0/8';
export const DEFAULT_MESH_MULTI_ZONE_SERVICE_CIDR = '243.0.0.0/8';
export const VIP_ALLOCATED_CONDITION = 'VipAllocated';
export const POOL_EXHAUSTED_REASON = 'PoolExhausted';
/** The kinds this controller reads; the ResourceCache must hold them. */
export const VIP_ALLOCATOR_KINDS: readonly string[] = ['MeshService', 'MeshMultiZoneService'];
/** How soon a pass is retried after a store error other than a conflict. */
const RETRY_MS = 5_000;

export interface VipAllocatorConfig {
  readonly meshServiceCidr?: string;
  readonly meshMultiZoneServiceCidr?: string;
  readonly holdMs?: number;
}

interface Owner {
  readonly id: string;
  readonly kind: string;
  /** False until the write that puts the address in the resource's status has succeeded. */
  published: boolean;
}

interface PoolGroup {
  readonly pool: VipPool;
  readonly kinds: readonly string[];
  owners: Map<string, Owner>;
}

type StatusRecord = Record<string, unknown>;
type WriteOutcome = 'written' | 'conflict' | 'gone' | 'failed';

export class VipAllocator implements Controller {
  readonly name = 'vip-allocator';
  private readonly groups: PoolGroup[];
  private readonly holds: HoldBook;
  private readonly metrics: VipMetrics;
  private readonly exhaustedLogged = new Set<string>();

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly config?: VipAllocatorConfig;
      readonly metrics?: Registry;
    },
  ) {
    const c = deps.config ?? {};
    this.groups = poolGroups(
      [
        ['MeshService', c.meshServiceCidr ?? DEFAULT_MESH_SERVICE_CIDR],
        ['MeshMultiZoneService', c.meshMultiZoneServiceCidr ?? DEFAULT_MESH_MULTI_ZONE_SERVICE_CIDR],
      ],
      c.holdMs,
    );
    this.holds = new HoldBook({ store: deps.store, logger: deps.logger, pools: this.groups.map((g) => g.pool) });
    this.metrics = vipMetrics(deps.metrics ?? new Registry());
  }

  wakesOn(e: StoreEvent): boolean {
    return VIP_ALLOCATOR_KINDS.includes(e.resource.type);
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    await this.holds.load();
    let failed = false;
    const live = new Set<string>();
    for (const g of this.groups) {
      g.pool.expireHolds(now);
      if (await this.reconcileGroup(g, now, live)) failed = true;
    }
    for (const id of this.exhaustedLogged) if (!live.has(id)) this.exhaustedLogged.delete(id);
    if (await this.holds.persist()) failed = true;
    for (const g of this.groups) recordPoolState(this.metrics, g.pool);
    this.metrics.pass.observe({ component: this.name }, performance.now() - started);
    const times = this.groups.flatMap((g) => g.pool.nextHoldExpiry()?.getTime() ?? []);
    if (failed) times.push(now.getTime() + RETRY_MS);
    return times.length > 0 ? { nextRunAt: new Date(Math.min(...times)) } : {};
  }

  /** One pool: learn who holds what, release what was given up, hand out what is missing. */
  private async reconcileGroup(g: PoolGroup, now: Date, live: Set<string>): Promise<boolean> {
    const resources = g.kinds.flatMap((k) => this.deps.cache.list(k));
    for (const r of resources) live.add(ownerIdOf(r));
    const scan = scanClaims(resources, (ip) => g.pool.contains(ip));
    const byId = new Map(resources.map((r) => [ownerIdOf(r), r]));
    const current = new Map<string, Owner>();
    for (const [ip, r] of scan.owners) current.set(ip, { id: ownerIdOf(r), kind: r.type, published: true });
    const sticky = new Map<string, string>();
    for (const [ip, owner] of g.owners) {
      if (current.has(ip)) continue;
      const r = byId.get(owner.id);
      if (r && vipsOf(r).length === 0 && !sticky.has(owner.id)) {
        current.set(ip, owner);
        sticky.set(owner.id, ip);
      } else if (owner.published) {
        if (g.pool.release(ip, now)) this.holds.released(ip, owner.kind, now);
      } else g.pool.unreserve(ip);
    }
    for (const ip of current.keys()) g.pool.reserve(ip);
    g.owners = current;

    let failed = false;
    for (const r of scan.withoutVips) {
      const id = ownerIdOf(r);
      const ip = sticky.get(id) ?? this.allocate(g, r, now);
      if (ip === undefined) {
        if ((await this.markExhausted(r, g.pool)) === 'failed') failed = true;
        continue;
      }
      if (!sticky.has(id)) current.set(ip, { id, kind: r.type, published: false });
      if ((await this.publish(r, [{ ip }], current.get(ip))) === 'failed') failed = true;
    }
    for (const d of scan.duplicates) {
      const vips = vipEntries(d.resource);
      const fresh: string[] = [];
      for (const [n, index] of d.indexes.entries()) {
        const ip = this.allocate(g, d.resource, now);
        if (ip === undefined) break;
        fresh.push(ip);
        this.deps.logger.warn(
          { vip: vipsOf(d.resource)[index], kept: describeKey(d.keptBy[n] ?? d.resource), reallocated: describeKey(d.resource), newVip: ip },
          'two resources had the same VIP: the older keeps it, the newer gets a new one',
        );
        vips[index] = { ...(vips[index] ?? {}), ip };
      }
      if (fresh.length < d.indexes.length) {
        for (const ip of fresh) g.pool.unreserve(ip);
        if ((await this.markExhausted(d.resource, g.pool)) === 'failed') failed = true;
        continue;
      }
      const owner: Owner = { id: ownerIdOf(d.resource), kind: d.resource.type, published: false };
      for (const ip of fresh) current.set(ip, owner);
      if ((await this.publish(d.resource, vips, owner)) === 'failed') failed = true;
    }
    return failed;
  }

  private allocate(g: PoolGroup, r: Resource, now: Date): string | undefined {
    const result = g.pool.allocate(now);
    if (!result.ok) return undefined;
    this.metrics.allocations.inc({ cidr: g.pool.cidr });
    this.deps.logger.debug({ resource: describeKey(r), vip: result.ip }, 'allocated VIP');
    return result.ip;
  }

  /** Writes the VIPs (and drops an old exhaustion condition) on the version the cache holds. */
  private async publish(r: Resource, vips: readonly StatusRecord[], owner: Owner | undefined): Promise<WriteOutcome> {
    const status: StatusRecord = { ...((r.status as StatusRecord | undefined) ?? {}), vips };
    const conditions = conditionsOf(r).filter((c) => c.type !== VIP_ALLOCATED_CONDITION);
    if (conditions.length > 0) status.conditions = conditions;
    else delete status.conditions;
    const outcome = await this.write(r, status);
    if (outcome === 'written') {
      if (owner) owner.published = true;
      this.exhaustedLogged.delete(ownerIdOf(r));
    }
    return outcome;
  }

  private async markExhausted(r: Resource, pool: VipPool): Promise<WriteOutcome | 'unchanged'> {
    const message = `could not allocate a VIP from ${pool.cidr}: all ${pool.capacity} addresses are in use or on hold`;
    const id = ownerIdOf(r);
    if (!this.exhaustedLogged.has(id)) {
      this.exhaustedLogged.add(id);
      this.metrics.exhausted.inc({ cidr: pool.cidr });
      this.deps.logger.warn({ resource: describeKey(r), cidr: pool.cidr }, message);
    }
    const condition = { type: VIP_ALLOCATED_CONDITION, status: 'False', reason: POOL_EXHAUSTED_REASON, message };
    const others = conditionsOf(r).filter((c) => c.type !== VIP_ALLOCATED_CONDITION);
    if (conditionsOf(r).some((c) => isDeepStrictEqual(c, condition))) return 'unchanged';
    return this.write(r, { ...((r.status as StatusRecord | undefined) ?? {}), conditions: [...others, condition] });
  }

  /** On a conflict or a delete nothing is done: the change event that caused it runs the next pass. */
  private async write(r: Resource, status: StatusRecord): Promise<WriteOutcome> {
    const { type, mesh, name, labels, spec, version } = r;
    try {
      await this.deps.store.update({ type, mesh, name, labels, spec, status, version });
      return 'written';
    } catch (err) {
      if (err instanceof ResourceConflictError) return 'conflict';
      if (err instanceof ResourceNotFoundError) return 'gone';
      this.deps.logger.error({ err, resource: describeKey(r) }, 'could not write VIP status; retrying shortly');
      return 'failed';
    }
  }
}

/** Copies of the `status.vips` entries, so extra fields on an entry survive a rewrite of its ip. */
function vipEntries(r: Resource): StatusRecord[] {
  const vips = (r.status as StatusRecord | undefined)?.vips;
  return Array.isArray(vips) ? vips.map((v: unknown) => ({ ...(typeof v === 'object' && v !== null ? (v as StatusRecord) : {}) })) : [];
}

function conditionsOf(r: Resource): StatusRecord[] {
  const conditions = (r.status as StatusRecord | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as StatusRecord[]) : [];
}

/** One pool per distinct CIDR (kinds configured with the same CIDR share it); overlaps are refused. */
function poolGroups(kindCidrs: readonly (readonly [string, string])[], holdMs: number | undefined): PoolGroup[] {
  const groups: { range: ReturnType<typeof parseCidr>; kinds: string[] }[] = [];
  for (const [kind, cidr] of kindCidrs) {
    const range = parseCidr(cidr, `${kind} VIP CIDR`);
    const same = groups.find((g) => g.range.base === range.base && g.range.size === range.size && g.range.family === range.family);
    if (same) {
      same.kinds.push(kind);
      continue;
    }
    const clash = groups.find((g) => rangesOverlap(g.range, range));
    if (clash) throw new ConfigError(`${kind} VIP CIDR ${cidr} overlaps ${clash.kinds.join(', ')} VIP CIDR ${clash.range.cidr}`);
    groups.push({ range, kinds: [kind] });
  }
  return groups.map((g) => ({ pool: new VipPool({ cidr: g.range.cidr, holdMs }), kinds: g.kinds, owners: new Map() }));
}
