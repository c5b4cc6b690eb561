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
 *
 * The first pass looks at every resource; later passes only at the ones that changed (and the
 * ones waiting on an exhausted pool), so one new MeshService costs work for one, not for all.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ConfigError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { describeKey, keyOf, keyString, type Resource, type ResourceKey } from '../core/resource.js';
import { HoldBook } from '../ipam/hold-book.js';
import { canonicalIp, parseCidr, rangesOverlap } from '../ipam/ip-range.js';
import { ownerIdOf, vipsOf } from '../ipam/vip-claims.js';
import { VipLedger, type VipPlan } from '../ipam/vip-ledger.js';
import { recordPoolState, type VipMetrics, vipMetrics } from '../ipam/vip-metrics.js';
import { VipPool } from '../ipam/vip-pool.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

/** The internal type of the stored holds (not a kind: no REST path, no CLI, never synced). */
export { VIP_HOLD_TYPE } from '../ipam/vip-hold.js';
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

type StatusRecord = Record<string, unknown>;
type WriteOutcome = 'written' | 'conflict' | 'gone' | 'failed';

export class VipAllocator implements Controller {
  readonly name = 'vip-allocator';
  private readonly ledgers: VipLedger[];
  private readonly holds: HoldBook;
  private readonly metrics: VipMetrics;
  /** Resources changed since the last pass. */
  private readonly changed = new Map<string, ResourceKey>();
  private fullPass = true;
  /** Resources left without an address by exhaustion: looked at again on every pass. */
  private readonly waiting = new Map<string, ResourceKey>();
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
    this.ledgers = ledgersFor(
      [
        ['MeshService', c.meshServiceCidr ?? DEFAULT_MESH_SERVICE_CIDR],
        ['MeshMultiZoneService', c.meshMultiZoneServiceCidr ?? DEFAULT_MESH_MULTI_ZONE_SERVICE_CIDR],
      ],
      c.holdMs,
    );
    this.holds = new HoldBook({ store: deps.store, logger: deps.logger, pools: this.ledgers.map((l) => l.pool) });
    this.metrics = vipMetrics(deps.metrics ?? new Registry());
  }

  /**
   * Creates and deletes wake it; an update only when the resource still needs an address or its
   * VIPs changed in a way this controller did not write (status updaters rewrite status often).
   */
  wakesOn(e: StoreEvent): boolean {
    if (!VIP_ALLOCATOR_KINDS.includes(e.resource.type) || !this.needsLook(e)) return false;
    this.changed.set(keyString(e.resource), keyOf(e.resource));
    return true;
  }

  async reconcile(now: Date): Promise<ReconcileResult> {
    const started = performance.now();
    await this.holds.load();
    const full = this.fullPass;
    const changed = [...this.changed.values()];
    this.fullPass = false;
    this.changed.clear();
    let failed = false;
    for (const ledger of this.ledgers) {
      ledger.pool.expireHolds(now);
      const keys = new Map<string, ResourceKey>();
      const look = (k: ResourceKey) => {
        if (ledger.kinds.includes(k.type)) keys.set(keyString(k), keyOf(k));
      };
      if (full) for (const k of [...ledger.kinds.flatMap((t) => this.deps.cache.list(t)), ...ledger.heldKeys()]) look(k);
      for (const k of [...changed, ...this.waiting.values()]) look(k);
      if (keys.size === 0) continue;
      const plan = ledger.plan(keys, (k) => this.deps.cache.get(k), now);
      if (await this.carryOut(ledger, plan, now)) failed = true;
    }
    if (await this.holds.persist()) failed = true;
    for (const ledger of this.ledgers) recordPoolState(this.metrics, ledger.pool);
    this.metrics.pass.observe({ component: this.name }, performance.now() - started);
    const times = this.ledgers.flatMap((l) => l.pool.nextHoldExpiry()?.getTime() ?? []);
    if (failed) times.push(now.getTime() + RETRY_MS);
    return times.length > 0 ? { nextRunAt: new Date(Math.min(...times)) } : {};
  }

  private needsLook(e: StoreEvent): boolean {
    if (e.op !== 'update' || !e.previous || e.previous.creationTime !== e.resource.creationTime) return true;
    const after = vipsOf(e.resource);
    if (after.length === 0) return true;
    const before = vipsOf(e.previous);
    if (isDeepStrictEqual(before, after)) return false;
    const ledger = this.ledgers.find((l) => l.kinds.includes(e.resource.type));
    const id = ownerIdOf(e.resource);
    // Our own write: every address of the pool is one we gave this resource, the rest were there.
    const ownWrite = after.every((ip) => {
      const canonical = canonicalIp(ip);
      return canonical && ledger?.pool.contains(canonical) ? ledger.ownerOf(canonical)?.id === id : before.includes(ip);
    });
    return !ownWrite;
  }

  /** Writes what the plan says; true when a write failed for a reason other than a lost race. */
  private async carryOut(ledger: VipLedger, plan: VipPlan, now: Date): Promise<boolean> {
    const { logger } = this.deps;
    for (const { ip, kind } of plan.released) this.holds.released(ip, kind, now);
    for (const r of plan.repairs) {
      logger.warn(
        { vip: r.ip, kept: describeKey(r.kept), reallocated: describeKey(r.reallocated), newVip: r.newIp },
        'two resources had the same VIP: the older keeps it, the newer gets a new one',
      );
    }
    if (plan.writes.length > 0) this.metrics.allocations.inc({ cidr: ledger.pool.cidr }, plan.writes.length);
    for (const k of plan.looked.keys()) this.waiting.delete(k);
    const stillWaiting = new Set(plan.exhausted.map(ownerIdOf));
    for (const id of this.exhaustedLogged) {
      if (plan.looked.has(id.slice(0, id.lastIndexOf('@'))) && !stillWaiting.has(id)) this.exhaustedLogged.delete(id);
    }
    let failed = false;
    for (const w of plan.writes) {
      const outcome = await this.publish(w.resource, w.vips);
      if (outcome === 'written') w.owner.published = true;
      if (outcome === 'failed') {
        failed = true;
        this.changed.set(keyString(w.resource), keyOf(w.resource));
      }
    }
    for (const r of plan.exhausted) {
      this.waiting.set(keyString(r), keyOf(r));
      if ((await this.markExhausted(r, ledger.pool)) === 'failed') failed = true;
    }
    return failed;
  }

  /** Writes the VIPs (and drops an old exhaustion condition) on the version the cache holds. */
  private async publish(r: Resource, vips: readonly StatusRecord[]): Promise<WriteOutcome> {
    const status: StatusRecord = { ...((r.status as StatusRecord | undefined) ?? {}), vips };
    const conditions = conditionsOf(r).filter((c) => c.type !== VIP_ALLOCATED_CONDITION);
    if (conditions.length > 0) status.conditions = conditions;
    else delete status.conditions;
    this.deps.logger.debug({ resource: describeKey(r), vips }, 'writing VIPs');
    return this.write(r, status);
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

function conditionsOf(r: Resource): StatusRecord[] {
  const conditions = (r.status as StatusRecord | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as StatusRecord[]) : [];
}

/** One pool per distinct CIDR (kinds configured with the same CIDR share it); overlaps are refused. */
function ledgersFor(kindCidrs: readonly (readonly [string, string])[], holdMs: number | undefined): VipLedger[] {
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
  return groups.map((g) => new VipLedger(new VipPool({ cidr: g.range.cidr, holdMs }), g.kinds));
}
