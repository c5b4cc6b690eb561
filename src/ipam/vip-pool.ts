/**
 * A pool of virtual IPs over one CIDR: pure state, no store. Addresses are handed out from a
 * cursor that steps forward and wraps, so a freed address is not the next one handed out.
 *
 * Unlike Kuma's IPAM (quirk Q11), a released address goes on hold for a hold period (default one
 * hour, longer than any DNS TTL we hand out) and is free again after it; the caller persists the
 * holds (see `holds()` / `hold()`) so a restart does not hand out recently freed addresses.
 * Exhaustion is a value, not an exception, so a controller can record it and carry on.
 */
import { ConfigError } from '../core/errors.js';
import { type IpRange, ipAt, offsetOf, parseCidr, rangesOverlap } from './ip-range.js';

export const DEFAULT_HOLD_MS = 60 * 60 * 1000;

export type AllocationResult = { readonly ok: true; readonly ip: string } | { readonly ok: false; readonly error: string };

/** `reserved`: now in use; `taken`: already in use; `outside`: not an address of this pool. */
export type ReserveOutcome = 'reserved' | 'taken' | 'outside';

export interface VipPoolOptions {
  readonly cidr: string;
  /** How long a released address stays unavailable; 0 frees it at once. */
  readonly holdMs?: number;
  /** Ranges inside the CIDR never handed out (e.g. other pools' CIDRs inside 240.0.0.0/4). */
  readonly exclude?: readonly string[];
}

export class VipPool {
  readonly range: IpRange;
  readonly holdMs: number;
  /** Addresses this pool can hand out: the CIDR's size minus the excluded ranges. */
  readonly capacity: bigint;
  private readonly excluded: readonly { readonly start: bigint; readonly end: bigint }[];
  private readonly reserved = new Set<bigint>();
  /** Address offset -> epoch ms when its hold ends. Disjoint from `reserved`. */
  private readonly held = new Map<bigint, number>();
  private cursor = 0n;
  /** For `allocateLowest`: no address below this one is free (every one is in use, held or excluded). */
  private lowWater = 0n;

  constructor(options: VipPoolOptions) {
    this.range = parseCidr(options.cidr);
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    if (!Number.isFinite(this.holdMs) || this.holdMs < 0) throw new ConfigError(`VIP hold period must be 0 or more milliseconds, got ${this.holdMs}`);
    this.excluded = clipExcluded(this.range, options.exclude ?? []);
    this.capacity = this.excluded.reduce((n, r) => n - (r.end - r.start + 1n), this.range.size);
  }

  get cidr(): string {
    return this.range.cidr;
  }

  /** Whether the pool could hand out `ip` (inside the CIDR and not excluded). */
  contains(ip: string): boolean {
    return this.offset(ip) !== undefined;
  }

  /** Marks an address in use (e.g. one found on an existing resource); a hold on it is dropped. */
  reserve(ip: string): ReserveOutcome {
    const off = this.offset(ip);
    if (off === undefined) return 'outside';
    if (this.reserved.has(off)) return 'taken';
    this.held.delete(off);
    this.reserved.add(off);
    return 'reserved';
  }

  isReserved(ip: string): boolean {
    const off = this.offset(ip);
    return off !== undefined && this.reserved.has(off);
  }

  isHeld(ip: string, now: Date): boolean {
    const off = this.offset(ip);
    const until = off === undefined ? undefined : this.held.get(off);
    return until !== undefined && until > now.getTime();
  }

  /** The next address that is neither in use nor on hold, from the cursor on, wrapping once. */
  allocate(now: Date): AllocationResult {
    if (this.inUseOrHeld() >= this.capacity) this.expireHolds(now);
    if (this.inUseOrHeld() >= this.capacity) {
      return { ok: false, error: `could not allocate a VIP from ${this.cidr}: all ${this.capacity} addresses are in use or on hold` };
    }
    const nowMs = now.getTime();
    for (let steps = 0n; steps < this.range.size; steps++) {
      const off = this.cursor;
      this.cursor = (off + 1n) % this.range.size;
      const skip = this.excluded.find((r) => off >= r.start && off <= r.end);
      if (skip) {
        steps += skip.end - off;
        this.cursor = (skip.end + 1n) % this.range.size;
        continue;
      }
      if (this.reserved.has(off)) continue;
      const until = this.held.get(off);
      if (until !== undefined && until > nowMs) continue;
      this.held.delete(off);
      this.reserved.add(off);
      return { ok: true, ip: ipAt(this.range, off) };
    }
    // Unreachable while the counts are right; kept as a value rather than an exception.
    return { ok: false, error: `could not allocate a VIP from ${this.cidr}: all ${this.capacity} addresses are in use or on hold` };
  }

  /**
   * What `allocate` gives on a pool that never handed anything out (cursor at the start): the
   * lowest address neither in use nor on hold. Expired holds end first. Costs the addresses
   * skipped since the last call, not the whole pool.
   */
  allocateLowest(now: Date): AllocationResult {
    this.expireHolds(now);
    this.cursor = this.lowWater;
    const result = this.allocate(now);
    if (result.ok) this.lowWater = (this.offset(result.ip) ?? -1n) + 1n;
    return result;
  }

  /** Takes an address out of use and holds it; returns when the hold ends, or undefined if it was not in use. */
  release(ip: string, now: Date): Date | undefined {
    const off = this.offset(ip);
    if (off === undefined || !this.reserved.delete(off)) return undefined;
    const until = now.getTime() + this.holdMs;
    if (this.holdMs > 0) this.held.set(off, until);
    else this.freed(off);
    return new Date(until);
  }

  /** Frees an address at once, without a hold (for one that was never published). */
  unreserve(ip: string): boolean {
    const off = this.offset(ip);
    if (off === undefined || !this.reserved.delete(off)) return false;
    this.freed(off);
    return true;
  }

  /** Restores a hold (read back from the store after a restart). Refused for an address in use. */
  hold(ip: string, until: Date): boolean {
    const off = this.offset(ip);
    if (off === undefined || this.reserved.has(off)) return false;
    this.held.set(off, Math.max(until.getTime(), this.held.get(off) ?? 0));
    return true;
  }

  /** Ends every hold whose time has come; returns the addresses that became free. */
  expireHolds(now: Date): string[] {
    const freed: string[] = [];
    for (const [off, until] of this.held) {
      if (until <= now.getTime()) {
        this.held.delete(off);
        this.freed(off);
        freed.push(ipAt(this.range, off));
      }
    }
    return freed;
  }

  holds(): { readonly ip: string; readonly heldUntil: Date }[] {
    return [...this.held].map(([off, until]) => ({ ip: ipAt(this.range, off), heldUntil: new Date(until) }));
  }

  nextHoldExpiry(): Date | undefined {
    let earliest: number | undefined;
    for (const until of this.held.values()) if (earliest === undefined || until < earliest) earliest = until;
    return earliest === undefined ? undefined : new Date(earliest);
  }

  stats(): { readonly inUse: number; readonly onHold: number; readonly capacity: bigint } {
    return { inUse: this.reserved.size, onHold: this.held.size, capacity: this.capacity };
  }

  private freed(off: bigint): void {
    if (off < this.lowWater) this.lowWater = off;
  }

  private inUseOrHeld(): bigint {
    return BigInt(this.reserved.size + this.held.size);
  }

  private offset(ip: string): bigint | undefined {
    const off = offsetOf(this.range, ip);
    if (off === undefined) return undefined;
    return this.excluded.some((r) => off >= r.start && off <= r.end) ? undefined : off;
  }
}

/** The parts of `exclude` inside `range`, as sorted, merged offset intervals. */
function clipExcluded(range: IpRange, exclude: readonly string[]): { start: bigint; end: bigint }[] {
  const parts = exclude
    .map((cidr) => parseCidr(cidr, 'excluded CIDR'))
    .filter((r) => rangesOverlap(r, range))
    .map((r) => ({
      start: r.base > range.base ? r.base - range.base : 0n,
      end: (r.base + r.size < range.base + range.size ? r.base + r.size : range.base + range.size) - range.base - 1n,
    }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: { start: bigint; end: bigint }[] = [];
  for (const p of parts) {
    const last = merged.at(-1);
    if (last && p.start <= last.end + 1n) last.end = p.end > last.end ? p.end : last.end;
    else merged.push({ ...p });
  }
  return merged;
}
