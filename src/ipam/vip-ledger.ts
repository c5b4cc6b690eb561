/**
 * Who holds which address of one pool, and what must change: in memory, no I/O. The controller
 * asks for a plan for the resources that changed (or all of them, on start) and carries it out.
 *
 * Rules (vip-allocator.ts explains why they differ from Kuma's):
 * - an address listed in a resource's `status.vips` is that resource's; when two list the same
 *   one, the older (creation time, then key) keeps it and the newer gets a new one. A changed
 *   resource that turns out older than the holder outside the change set pulls the holder in, so
 *   a plan over a few resources decides exactly as a plan over all of them;
 * - an address whose holder lost it from its status while still alive (someone wiped the status)
 *   is written back to the same holder; one whose holder is gone is released (held) if it was
 *   ever written, or freed at once if it never was.
 */
import { keyString, type Resource, type ResourceKey } from '../core/resource.js';
import { canonicalIp } from './ip-range.js';
import { ownerIdOf, vipsOf } from './vip-claims.js';
import type { VipPool } from './vip-pool.js';

type StatusRecord = Record<string, unknown>;

export interface Owner {
  readonly id: string;
  readonly key: ResourceKey;
  readonly rank: string;
  /** False until the write that puts the address in the resource's status has succeeded. */
  published: boolean;
}

export interface VipWrite {
  readonly resource: Resource;
  /** The new `status.vips`. */
  readonly vips: StatusRecord[];
  readonly owner: Owner;
}

export interface VipRepair {
  readonly ip: string;
  readonly kept: ResourceKey;
  readonly reallocated: ResourceKey;
  readonly newIp: string;
}

export interface VipPlan {
  readonly writes: readonly VipWrite[];
  readonly exhausted: readonly Resource[];
  readonly released: readonly { readonly ip: string; readonly kind: string }[];
  readonly repairs: readonly VipRepair[];
  /** Every key the plan looked at (the ones asked for, plus holders it pulled in). */
  readonly looked: ReadonlyMap<string, ResourceKey>;
}

export class VipLedger {
  private readonly owners = new Map<string, Owner>();
  private readonly byKey = new Map<string, Set<string>>();

  constructor(
    readonly pool: VipPool,
    readonly kinds: readonly string[],
  ) {}

  ownerOf(ip: string): Owner | undefined {
    return this.owners.get(ip);
  }

  /** Keys of every resource holding an address, for a full pass. */
  heldKeys(): ResourceKey[] {
    return [...new Set(this.owners.values())].map((o) => o.key);
  }

  plan(keys: ReadonlyMap<string, ResourceKey>, get: (key: ResourceKey) => Resource | undefined, now: Date): VipPlan {
    const looked = new Map(keys);
    const prior = new Map<string, Owner>();
    const take = (k: string) => {
      for (const ip of this.byKey.get(k) ?? []) {
        const o = this.owners.get(ip);
        if (o) prior.set(ip, o);
        this.owners.delete(ip);
      }
      this.byKey.delete(k);
    };
    for (const k of looked.keys()) take(k);

    let claims = new Map<string, Resource>();
    let duplicates = new Map<Resource, { index: number; kept: ResourceKey }[]>();
    let withoutVips: Resource[] = [];
    for (let pulled = true; pulled; ) {
      pulled = false;
      claims = new Map();
      duplicates = new Map();
      withoutVips = [];
      const present = [...looked.values()].flatMap((k) => get(k) ?? []).map((r) => ({ r, rank: rankOf(r) }));
      present.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
      for (const { r, rank } of present) {
        const vips = vipsOf(r);
        if (vips.length === 0) withoutVips.push(r);
        vips.forEach((raw, index) => {
          const ip = canonicalIp(raw);
          if (!ip || !this.pool.contains(ip)) return;
          const older = claims.get(ip);
          const outside = this.owners.get(ip);
          if (older && ownerIdOf(older) !== ownerIdOf(r)) {
            duplicates.set(r, [...(duplicates.get(r) ?? []), { index, kept: keyOf(older) }]);
          } else if (!older && outside && outside.id !== ownerIdOf(r)) {
            if (outside.rank < rank) duplicates.set(r, [...(duplicates.get(r) ?? []), { index, kept: outside.key }]);
            else {
              // r is older than the holder outside the change set: look at the holder too.
              const k = keyString(outside.key);
              looked.set(k, outside.key);
              take(k);
              pulled = true;
              claims.set(ip, r);
            }
          } else claims.set(ip, r);
        });
      }
    }

    const released: { ip: string; kind: string }[] = [];
    const sticky = new Map<string, string>();
    for (const [ip, owner] of prior) {
      if (claims.has(ip) || this.owners.has(ip)) continue;
      const r = get(owner.key);
      if (r && ownerIdOf(r) === owner.id && vipsOf(r).length === 0 && !sticky.has(owner.id)) {
        sticky.set(owner.id, ip);
        this.setOwner(ip, owner);
      } else if (owner.published) {
        if (this.pool.release(ip, now)) released.push({ ip, kind: owner.key.type });
      } else this.pool.unreserve(ip);
    }
    for (const [ip, r] of claims) {
      this.pool.reserve(ip);
      this.setOwner(ip, { id: ownerIdOf(r), key: keyOf(r), rank: rankOf(r), published: true });
    }

    const writes: VipWrite[] = [];
    const exhausted: Resource[] = [];
    const repairs: VipRepair[] = [];
    for (const r of withoutVips) {
      const reuse = sticky.get(ownerIdOf(r));
      const ip = reuse ?? this.allocate(now);
      if (ip === undefined) exhausted.push(r);
      else writes.push({ resource: r, vips: [{ ip }], owner: this.claim(ip, r) });
    }
    for (const [r, dups] of duplicates) {
      const vips = vipEntries(r);
      const fresh: string[] = [];
      for (const d of dups) {
        const ip = this.allocate(now);
        if (ip === undefined) break;
        fresh.push(ip);
        repairs.push({ ip: canonicalIp(vipsOf(r)[d.index] ?? '') ?? '', kept: d.kept, reallocated: keyOf(r), newIp: ip });
        vips[d.index] = { ...(vips[d.index] ?? {}), ip };
      }
      if (fresh.length < dups.length) {
        for (const ip of fresh) this.pool.unreserve(ip);
        repairs.splice(repairs.length - fresh.length, fresh.length);
        exhausted.push(r);
        continue;
      }
      const owner = this.claim(fresh[0] ?? '', r);
      for (const ip of fresh.slice(1)) this.setOwner(ip, owner);
      writes.push({ resource: r, vips, owner });
    }
    return { writes, exhausted, released, repairs, looked };
  }

  private allocate(now: Date): string | undefined {
    const result = this.pool.allocate(now);
    return result.ok ? result.ip : undefined;
  }

  private claim(ip: string, r: Resource): Owner {
    const existing = this.owners.get(ip);
    if (existing && existing.id === ownerIdOf(r)) return existing;
    const owner: Owner = { id: ownerIdOf(r), key: keyOf(r), rank: rankOf(r), published: false };
    this.setOwner(ip, owner);
    return owner;
  }

  private setOwner(ip: string, owner: Owner): void {
    this.owners.set(ip, owner);
    const k = keyString(owner.key);
    const ips = this.byKey.get(k) ?? new Set<string>();
    ips.add(ip);
    this.byKey.set(k, ips);
  }
}

function rankOf(r: Resource): string {
  return `${r.creationTime}\u0000${keyString(r)}`;
}

function keyOf(r: Resource): ResourceKey {
  return { type: r.type, mesh: r.mesh, name: r.name };
}

/** Copies of the `status.vips` entries, so extra fields on an entry survive a rewrite of its ip. */
function vipEntries(r: Resource): StatusRecord[] {
  const vips = (r.status as StatusRecord | undefined)?.vips;
  return Array.isArray(vips) ? vips.map((v: unknown) => ({ ...(typeof v === 'object' && v !== null ? (v as StatusRecord) : {}) })) : [];
}
