/**
 * The stored form of Kuma 2.x `kuma.io/service` VIPs: one internal `LegacyVip` record per service
 * value of a mesh (no REST path, never synced), so a service that comes, goes or whose hold ends
 * costs one small write instead of rewriting the whole mesh's list (anchors 3.2, bug class 1).
 *
 * A record's spec is `{ service, vip }` while a Dataplane carries the service, and
 * `{ service, vip, releasedAt, heldUntil }` while its address is on hold after release; it is
 * deleted when the hold ends. Its name is the service value itself when that is a valid tag value
 * (letters, digits, `.`, `-`, `_`, `:`), else a `%XX` escaping of it; readers take the service from
 * the spec. The pure allocation (`nextLegacyVips`) still works on the per-mesh shape
 * (`LegacyVipsSpec`); `legacyVipRecordsOf` and `legacyVipsSpecFrom` convert between the two.
 */
import type { ResourceCache } from '../controllers/resource-cache.js';
import type { Resource, ResourceKey } from '../core/resource.js';
import { canonicalIp } from './ip-range.js';
import { type LegacyHold, type LegacyVipsSpec, readLegacyVipsSpec } from './legacy-vips.js';

export const LEGACY_VIP_TYPE = 'LegacyVip';

export interface LegacyVipSpec {
  readonly service: string;
  readonly vip: string;
  /** Both present while the address is on hold after the service went away. */
  readonly releasedAt?: string;
  readonly heldUntil?: string;
}

const PLAIN = /^[A-Za-z0-9._:-]+$/;

/** The record name of a service value: the value when it is a plain tag value, escaped otherwise (injective). */
export function legacyVipName(service: string): string {
  if (PLAIN.test(service)) return service;
  const bytes = Buffer.from(service, 'utf8');
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && /[A-Za-z0-9._:-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out === '' ? '%' : out;
}

export function legacyVipKey(mesh: string, service: string): ResourceKey {
  return { type: LEGACY_VIP_TYPE, mesh, name: legacyVipName(service) };
}

/** A stored spec made safe to use (canonical address, both hold fields or neither); undefined when unusable. */
export function readLegacyVipRecord(spec: unknown): LegacyVipSpec | undefined {
  const s = spec as Partial<Record<keyof LegacyVipSpec, unknown>> | null | undefined;
  if (typeof s?.service !== 'string' || typeof s.vip !== 'string') return undefined;
  const vip = canonicalIp(s.vip);
  if (vip === undefined) return undefined;
  if (typeof s.heldUntil !== 'string') return { service: s.service, vip };
  return { service: s.service, vip, releasedAt: typeof s.releasedAt === 'string' ? s.releasedAt : '', heldUntil: s.heldUntil };
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
export function legacyVipsOf(cache: Pick<ResourceCache, 'list'>, mesh: string): ReadonlyMap<string, string> {
  return legacyVipsIn(cache.list(LEGACY_VIP_TYPE, mesh));
}

/** The in-use `<service>` -> ip of some LegacyVip records, sorted by service. */
export function legacyVipsIn(records: Iterable<{ readonly spec: unknown }>): Map<string, string> {
  const pairs: (readonly [string, string])[] = [];
  for (const r of records) {
    const pair = readLegacyVip(r.spec);
    if (pair) pairs.push(pair);
  }
  return new Map(pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
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
 * (`oldSpec`, being converted); `strays` are records unreadable or not named after their service.
 */
export function storedLegacyVips(oldSpec: unknown, records: readonly Resource[]): { stored: Map<string, LegacyVipSpec>; strays: Resource[] } {
  const stored = new Map<string, LegacyVipSpec>(oldSpec === undefined ? [] : legacyVipRecordsOf(readLegacyVipsSpec(oldSpec)));
  const strays: Resource[] = [];
  for (const r of records) {
    const spec = readLegacyVipRecord(r.spec);
    if (spec === undefined || legacyVipName(spec.service) !== r.name) strays.push(r);
    else stored.set(spec.service, spec);
  }
  return { stored, strays };
}
