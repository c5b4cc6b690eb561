/**
 * Kuma 2.x `kuma.io/service` VIPs (`<service>.mesh`, traffic doc 3.7): one address per service
 * value of a mesh from 240.0.0.0/4. Pure: the next state of a mesh's VIPs from the current one and
 * the services seen now, in a per-mesh shape (`LegacyVipsSpec`); they are stored as one `LegacyVip`
 * record per service (legacy-vip-records.ts). This is the reference LegacyVipBook is tested against.
 *
 * Holds follow the MeshService rule, with one difference that only a name-keyed VIP allows: a
 * service that comes back while its old address is on hold gets that same address back, so a
 * client that cached `<service>.mesh` still reaches it. Every other service waits out the hold.
 */
import { canonicalIp } from './ip-range.js';
import { VipPool } from './vip-pool.js';

/** The per-mesh record older versions stored (same shape as LegacyVipsSpec); read only to convert it. */
export const LEGACY_VIPS_TYPE = 'LegacyVips';
export const DEFAULT_LEGACY_VIP_CIDR = '240.0.0.0/4';

export interface LegacyHold {
  readonly service: string;
  readonly releasedAt: string;
  readonly heldUntil: string;
}

export interface LegacyVipsSpec {
  /** Service value -> VIP. */
  readonly vips: Readonly<Record<string, string>>;
  /** VIP -> the service that gave it up, while on hold. Absent when nothing is held. */
  readonly holds?: Readonly<Record<string, LegacyHold>>;
}

export interface LegacyVipsInput {
  readonly current: LegacyVipsSpec | undefined;
  /** Every `kuma.io/service` value Dataplanes of the mesh carry now. */
  readonly services: Iterable<string>;
  readonly now: Date;
  readonly cidr: string;
  readonly exclude?: readonly string[];
  readonly holdMs?: number;
}

export interface LegacyVipsResult {
  readonly spec: LegacyVipsSpec;
  /** Services left without a VIP because the pool is exhausted. */
  readonly exhausted: readonly string[];
  readonly error?: string;
  readonly allocated: number;
  readonly nextHoldExpiry: Date | undefined;
}

export function nextLegacyVips(input: LegacyVipsInput): LegacyVipsResult {
  const { now } = input;
  const pool = new VipPool({ cidr: input.cidr, holdMs: input.holdMs, exclude: input.exclude });
  const wanted = new Set(input.services);
  const holds = new Map<string, LegacyHold>();
  for (const [rawIp, h] of Object.entries(input.current?.holds ?? {})) {
    const ip = canonicalIp(rawIp);
    const until = Date.parse(h.heldUntil);
    if (ip && until > now.getTime() && pool.hold(ip, new Date(until))) holds.set(ip, h);
  }
  const vips = new Map<string, string>();
  for (const [service, rawIp] of sortedEntries(input.current?.vips ?? {})) {
    const ip = canonicalIp(rawIp);
    if (!ip) continue;
    // Outside the CIDR (it changed): kept as is, not ours to move. Taken twice: the first keeps it.
    const outcome = pool.reserve(ip);
    if (outcome === 'taken') continue;
    holds.delete(ip);
    vips.set(service, ip);
  }
  for (const [service, ip] of [...vips]) {
    if (wanted.has(service)) continue;
    vips.delete(service);
    const until = pool.release(ip, now);
    if (until && pool.isHeld(ip, now)) holds.set(ip, { service, releasedAt: now.toISOString(), heldUntil: until.toISOString() });
  }
  const exhausted: string[] = [];
  let error: string | undefined;
  let allocated = 0;
  for (const service of [...wanted].sort()) {
    if (vips.has(service)) continue;
    const reclaimed = [...holds].find(([, h]) => h.service === service)?.[0];
    if (reclaimed !== undefined) {
      holds.delete(reclaimed);
      pool.reserve(reclaimed);
      vips.set(service, reclaimed);
      continue;
    }
    const result = pool.allocate(now);
    if (result.ok) {
      vips.set(service, result.ip);
      allocated++;
    } else {
      exhausted.push(service);
      error = result.error;
    }
  }
  const spec: LegacyVipsSpec = {
    vips: Object.fromEntries([...vips].sort(byKey)),
    ...(holds.size > 0 ? { holds: Object.fromEntries([...holds].sort(byKey)) } : {}),
  };
  const expiries = [...holds.values()].map((h) => Date.parse(h.heldUntil));
  return { spec, exhausted, error, allocated, nextHoldExpiry: expiries.length > 0 ? new Date(Math.min(...expiries)) : undefined };
}

/** The `vips` entries of a stored spec whose values are IP addresses, sorted by service. */
export function readLegacyVips(spec: unknown): [string, string][] {
  const vips = (spec as { vips?: unknown } | null | undefined)?.vips;
  if (typeof vips !== 'object' || vips === null) return [];
  return sortedEntries(vips as Record<string, unknown>).flatMap(([service, ip]) => {
    const canonical = typeof ip === 'string' ? canonicalIp(ip) : undefined;
    return canonical ? [[service, canonical] as [string, string]] : [];
  });
}

/** A stored spec made safe to compute from: unusable entries are dropped, not trusted. */
export function readLegacyVipsSpec(spec: unknown): LegacyVipsSpec {
  const rawHolds = (spec as { holds?: unknown } | null | undefined)?.holds;
  const holds: Record<string, LegacyHold> = {};
  if (typeof rawHolds === 'object' && rawHolds !== null) {
    for (const [ip, h] of Object.entries(rawHolds as Record<string, Partial<LegacyHold> | null>)) {
      if (h && typeof h.service === 'string' && typeof h.heldUntil === 'string') {
        holds[ip] = { service: h.service, releasedAt: typeof h.releasedAt === 'string' ? h.releasedAt : '', heldUntil: h.heldUntil };
      }
    }
  }
  return { vips: Object.fromEntries(readLegacyVips(spec)), ...(Object.keys(holds).length > 0 ? { holds } : {}) };
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(byKey);
}

function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
