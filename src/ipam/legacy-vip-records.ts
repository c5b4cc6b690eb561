/**
 * The stored form of Kuma 2.x `kuma.io/service` VIPs: one internal `LegacyVip` record per service
 * value of a mesh (no REST path, never synced), so a service that comes, goes or whose hold ends
 * costs one small write instead of rewriting the whole mesh's list (anchors 3.2, bug class 1).
 *
 * A record's spec is `{ service, vip }` while a Dataplane carries the service, and
 * `{ service, vip, releasedAt, heldUntil }` while its address is on hold after release; it is
 * deleted when the hold ends. Its name is the address itself (canonical form), so the store refuses
 * a second record holding one address (two leaders during a handoff cannot hand it out twice);
 * readers take the service from the spec. Should a service still end up with two in-use records
 * (two leaders picked different addresses), everyone reads the lowest address and the allocator
 * deletes the other. The pure allocation (`nextLegacyVips`) still works on the per-mesh shape
 * (`LegacyVipsSpec`); `legacyVipRecordsOf` and `legacyVipsSpecFrom` convert between the two.
 */
import type { ResourceCache } from '../controllers/resource-cache.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { canonicalIp, parseIp } from './ip-range.js';
import { LEGACY_VIPS_TYPE, type LegacyHold, type LegacyVipsSpec, readLegacyVipsSpec } from './legacy-vips.js';

export const LEGACY_VIP_TYPE = 'LegacyVip';

export interface LegacyVipSpec {
  readonly service: string;
  readonly vip: string;
  /** Both present while the address is on hold after the service went away. */
  readonly releasedAt?: string;
  readonly heldUntil?: string;
  /**
   * Since when the service has had a legacy VIP in this mesh (kept through holds; at conversion,
   * the old per-mesh record's creationTime): ranks its `<service>.mesh` against other meshes'
   * claims so a winner does not flip at upgrade or when a held service returns. Absent: creationTime.
   */
  readonly since?: string;
}

/** The key of the record holding an address (given in canonical form). */
export function legacyVipKey(mesh: string, vip: string): ResourceKey {
  return { type: LEGACY_VIP_TYPE, mesh, name: vip };
}

/** Orders addresses by value (IPv4 before IPv6), the order "lowest address" means here. */
export function compareVips(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (x.family !== y.family) return x.family - y.family;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

/** A stored spec made safe to use (canonical address, both hold fields or neither); undefined when unusable. */
export function readLegacyVipRecord(spec: unknown): LegacyVipSpec | undefined {
  const s = spec as Partial<Record<keyof LegacyVipSpec, unknown>> | null | undefined;
  if (typeof s?.service !== 'string' || typeof s.vip !== 'string') return undefined;
  const vip = canonicalIp(s.vip);
  if (vip === undefined) return undefined;
  const since = typeof s.since === 'string' ? { since: s.since } : {};
  if (typeof s.heldUntil !== 'string') return { service: s.service, vip, ...since };
  return { service: s.service, vip, releasedAt: typeof s.releasedAt === 'string' ? s.releasedAt : '', heldUntil: s.heldUntil, ...since };
}

/** A record's rank time for DNS clashes: its `since`, else its creationTime. */
export function legacyVipSince(r: { readonly spec: unknown; readonly creationTime: string }): string {
  return readLegacyVipRecord(r.spec)?.since ?? r.creationTime;
}

/** `[service, vip]` of a record whose service is in use (not on hold); undefined otherwise. */
export function readLegacyVip(spec: unknown): readonly [string, string] | undefined {
  const r = readLegacyVipRecord(spec);
  return r === undefined || r.heldUntil !== undefined ? undefined : [r.service, r.vip];
}

/**
 * Whether a change of a LegacyVip record changes a VIP in use (what xDS and DNS read): a hold
 * starting, changing or ending does not. An update that does not say what it replaced counts.
 */
export function legacyVipInUseChanged(e: { readonly op: string; readonly resource: { readonly spec: unknown }; readonly previous?: { readonly spec: unknown } }): boolean {
  if (e.op === 'update' && e.previous === undefined) return true;
  const before = e.op === 'create' ? undefined : readLegacyVip((e.previous ?? e.resource).spec);
  const after = e.op === 'delete' ? undefined : readLegacyVip(e.resource.spec);
  return before?.[0] !== after?.[0] || before?.[1] !== after?.[1];
}

/** The legacy VIPs of one mesh in use (`<service>` -> ip), sorted by service; empty when none. */
export function legacyVipsOf(cache: Pick<ResourceCache, 'list' | 'get'>, mesh: string): ReadonlyMap<string, string> {
  return legacyVipsIn(cache.list(LEGACY_VIP_TYPE, mesh), cache.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh })?.spec);
}

/**
 * The in-use `<service>` -> ip of some LegacyVip records, sorted by service; a service with several
 * in-use records reads its lowest address. `oldSpec` is the mesh's old per-mesh `LegacyVips`
 * record while it exists (not converted yet): its services the records do not name read from it.
 */
export function legacyVipsIn(records: Iterable<{ readonly spec: unknown }>, oldSpec?: unknown): Map<string, string> {
  const best = new Map<string, string>();
  for (const r of records) {
    const pair = readLegacyVip(r.spec);
    if (pair === undefined) continue;
    const had = best.get(pair[0]);
    if (had === undefined || compareVips(pair[1], had) < 0) best.set(pair[0], pair[1]);
  }
  if (oldSpec !== undefined) for (const [service, vip] of Object.entries(readLegacyVipsSpec(oldSpec).vips)) if (!best.has(service)) best.set(service, vip);
  return new Map([...best].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/**
 * One record per service of a per-mesh spec. A service both in use and held keeps its address in
 * use; a service with several holds keeps the lowest (by text) one: neither comes out of
 * `nextLegacyVips` from records, only from an odd old `LegacyVips` record.
 */
export function legacyVipRecordsOf(spec: LegacyVipsSpec): Map<string, LegacyVipSpec> {
  const out = new Map<string, LegacyVipSpec>();
  for (const [service, vip] of Object.entries(spec.vips)) out.set(service, { service, vip });
  for (const [vip, h] of Object.entries(spec.holds ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!out.has(h.service)) out.set(h.service, { service: h.service, vip, releasedAt: h.releasedAt, heldUntil: h.heldUntil });
  }
  return out;
}

/** The per-mesh spec (input of `nextLegacyVips`) made of per-service records. */
export function legacyVipsSpecFrom(records: Iterable<LegacyVipSpec>): LegacyVipsSpec {
  const vips: [string, string][] = [];
  const holds: [string, LegacyHold][] = [];
  for (const r of records) {
    if (r.heldUntil === undefined) vips.push([r.service, r.vip]);
    else holds.push([r.vip, { service: r.service, releasedAt: r.releasedAt ?? '', heldUntil: r.heldUntil }]);
  }
  const byKey = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return { vips: Object.fromEntries(vips.sort(byKey)), ...(holds.length > 0 ? { holds: Object.fromEntries(holds.sort(byKey)) } : {}) };
}

/**
 * What a mesh has stored: its per-service records, over the entries of an old per-mesh record
 * (`oldSpec`, being converted). One record per service counts: in use before on hold, then the
 * lowest address; `strays` are the others, and records unreadable or not named after their address.
 */
export function storedLegacyVips(oldSpec: unknown, records: readonly Resource[]): { stored: Map<string, LegacyVipSpec>; strays: Resource[] } {
  const fromRecords = new Map<string, { spec: LegacyVipSpec; record: Resource }>();
  const strays: Resource[] = [];
  const rank = (s: LegacyVipSpec): number => (s.heldUntil === undefined ? 0 : 1);
  for (const r of records) {
    const spec = readLegacyVipRecord(r.spec);
    if (spec === undefined || spec.vip !== r.name) {
      strays.push(r);
      continue;
    }
    const had = fromRecords.get(spec.service);
    if (had === undefined) fromRecords.set(spec.service, { spec, record: r });
    else if (rank(spec) < rank(had.spec) || (rank(spec) === rank(had.spec) && compareVips(spec.vip, had.spec.vip) < 0)) {
      strays.push(had.record);
      fromRecords.set(spec.service, { spec, record: r });
    } else strays.push(r);
  }
  const stored = new Map<string, LegacyVipSpec>(oldSpec === undefined ? [] : legacyVipRecordsOf(readLegacyVipsSpec(oldSpec)));
  for (const [service, { spec }] of fromRecords) stored.set(service, spec);
  return { stored, strays };
}
