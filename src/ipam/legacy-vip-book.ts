/**
 * One mesh's legacy VIPs kept in memory between passes, so a new or gone `kuma.io/service` costs
 * that service instead of re-reading, re-sorting and re-reserving the mesh's whole state.
 * `spec()` after `next()` is exactly what `nextLegacyVips` gives for the state the book was built
 * from (or last reached), provided that state itself came out of `nextLegacyVips`; `touched` names
 * the services whose own record (`recordOf`) may have changed, the only ones the controller writes.
 * The controller builds a book from the pure function's output and drops it when the stored
 * records are not the ones it wrote.
 */
import { canonicalIp } from './ip-range.js';
import type { LegacyVipSpec } from './legacy-vip-records.js';
import type { LegacyHold, LegacyVipsResult, LegacyVipsSpec } from './legacy-vips.js';
import { VipPool } from './vip-pool.js';

export type LegacyVipBookResult = Omit<LegacyVipsResult, 'spec'> & {
  /** False when nothing moved. */
  readonly changed: boolean;
  /** Services whose record may differ from before the call (sorted). */
  readonly touched: readonly string[];
  /**
   * Every address those services' records had or have (a hold that ended, an address released,
   * reclaimed or allocated): records are named by address, so these are the only ones to look at.
   */
  readonly addresses: readonly string[];
};

export interface LegacyVipBookOptions {
  readonly cidr: string;
  readonly exclude?: readonly string[];
  readonly holdMs?: number;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class LegacyVipBook {
  private readonly pool: VipPool;
  /** Service -> VIP (addresses outside the CIDR included, not in the pool). */
  private readonly vips = new Map<string, string>();
  /** VIP -> the hold on it. */
  private readonly holds = new Map<string, LegacyHold>();
  private readonly holdsByService = new Map<string, Set<string>>();
  /** Wanted services left without a VIP (pool exhausted): looked at again on every call. */
  private readonly missing = new Set<string>();
  /** The spec as last built (or given), handed back as is while nothing changes. */
  private built: LegacyVipsSpec | undefined;

  /**
   * `spec` must be an output of `nextLegacyVips` (canonical, no duplicates, holds apart from VIPs),
   * `exhausted` the services that call left without a VIP.
   */
  constructor(spec: LegacyVipsSpec, options: LegacyVipBookOptions, exhausted: Iterable<string> = []) {
    this.built = spec;
    for (const s of exhausted) this.missing.add(s);
    this.pool = new VipPool({ cidr: options.cidr, holdMs: options.holdMs, exclude: options.exclude });
    for (const [ip, h] of Object.entries(spec.holds ?? {})) {
      const canonical = canonicalIp(ip);
      if (canonical && this.pool.hold(canonical, new Date(Date.parse(h.heldUntil)))) this.addHold(canonical, h);
    }
    for (const [service, ip] of Object.entries(spec.vips)) {
      this.pool.reserve(ip);
      this.vips.set(service, ip);
    }
  }

  /**
   * The next state for the services Dataplanes carry now (`wanted`). `changed` names every service
   * that came or went since the last call (more is fine); left out, every service is looked at.
   * `changed` in the result is false when nothing moved.
   */
  next(wanted: { has(service: string): boolean } & Iterable<string>, now: Date, changed?: Iterable<string>): LegacyVipBookResult {
    const touched = new Set<string>();
    const addresses = new Set<string>();
    for (const [ip, h] of [...this.holds]) {
      if (Date.parse(h.heldUntil) > now.getTime()) continue;
      this.dropHold(ip, h);
      touched.add(h.service);
      addresses.add(ip);
    }
    this.pool.expireHolds(now);
    const candidates = [...new Set([...(changed ?? [...this.vips.keys(), ...wanted]), ...this.missing])].sort(byText);
    this.missing.clear();
    for (const service of candidates) {
      const ip = this.vips.get(service);
      if (ip === undefined || wanted.has(service)) continue;
      this.vips.delete(service);
      touched.add(service);
      addresses.add(ip);
      const until = this.pool.release(ip, now);
      if (until && this.pool.isHeld(ip, now)) this.addHold(ip, { service, releasedAt: now.toISOString(), heldUntil: until.toISOString() });
    }
    const exhausted: string[] = [];
    let error: string | undefined;
    let allocated = 0;
    for (const service of candidates) {
      if (!wanted.has(service) || this.vips.has(service)) continue;
      const reclaimed = [...(this.holdsByService.get(service) ?? [])].sort(byText)[0];
      if (reclaimed !== undefined) {
        this.dropHold(reclaimed, this.holds.get(reclaimed) as LegacyHold);
        this.pool.reserve(reclaimed);
        this.vips.set(service, reclaimed);
        touched.add(service);
        addresses.add(reclaimed);
        continue;
      }
      const result = this.pool.allocateLowest(now);
      if (result.ok) {
        this.vips.set(service, result.ip);
        allocated++;
        touched.add(service);
        addresses.add(result.ip);
      } else {
        exhausted.push(service);
        this.missing.add(service);
        error = result.error;
      }
    }
    if (touched.size > 0) this.built = undefined;
    let earliest: number | undefined;
    for (const h of this.holds.values()) {
      const t = Date.parse(h.heldUntil);
      if (earliest === undefined || t < earliest) earliest = t;
    }
    const nextHoldExpiry = earliest === undefined ? undefined : new Date(earliest);
    return { exhausted, error, allocated, nextHoldExpiry, changed: touched.size > 0, touched: [...touched].sort(byText), addresses: [...addresses].sort(byText) };
  }

  /** The whole state in the per-mesh shape (costs O(services) after a change). */
  spec(): LegacyVipsSpec {
    this.built ??= {
      vips: Object.fromEntries([...this.vips].sort(([a], [b]) => byText(a, b))),
      ...(this.holds.size > 0 ? { holds: Object.fromEntries([...this.holds].sort(([a], [b]) => byText(a, b))) } : {}),
    };
    return this.built;
  }

  /** The record a service should have now: in use, on hold (its lowest held address), or none. */
  recordOf(service: string): LegacyVipSpec | undefined {
    const vip = this.vips.get(service);
    if (vip !== undefined) return { service, vip };
    const held = [...(this.holdsByService.get(service) ?? [])].sort(byText)[0];
    const h = held === undefined ? undefined : this.holds.get(held);
    return held === undefined || h === undefined ? undefined : { service, vip: held, releasedAt: h.releasedAt, heldUntil: h.heldUntil };
  }

  private addHold(ip: string, h: LegacyHold): void {
    this.holds.set(ip, h);
    const ips = this.holdsByService.get(h.service) ?? new Set<string>();
    ips.add(ip);
    this.holdsByService.set(h.service, ips);
  }

  private dropHold(ip: string, h: LegacyHold): void {
    this.holds.delete(ip);
    const ips = this.holdsByService.get(h.service);
    ips?.delete(ip);
    if (ips?.size === 0) this.holdsByService.delete(h.service);
  }
}
