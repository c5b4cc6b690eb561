/**
 * The DNS answer table, computed from the cache: pure.
 *
 * - Every `status.addresses[].hostname` of a MeshService or MeshMultiZoneService answers with
 *   `status.vips[0].ip`; no VIP, no record (semantics 8.5), whatever the mesh's mode.
 * - Kuma 2.x legacy names: `<service>.mesh` (and the dotted form of a service with underscores,
 *   `a_b_svc_80` -> `a.b.svc.80.mesh`) answer with the service's legacy VIP, in meshes whose
 *   `meshServices.mode` is not Exclusive (absent means Disabled).
 *
 * Names are compared case-insensitively with the trailing dot ignored. When two resources claim
 * one name (two meshes with the same hostname template, a MeshService named like a legacy
 * service), the older resource answers (creation time, then key: stable, no flapping) and the
 * clash is reported so the caller can log it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ResourceCache } from '../controllers/resource-cache.js';
import { describeKey, keyString, type Resource } from '../core/resource.js';
import { ipFamily } from '../ipam/ip-range.js';
import { LEGACY_VIP_TYPE, legacyVipSince, readLegacyVip } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE, readLegacyVips } from '../ipam/legacy-vips.js';
import { type MeshSpec, meshServicesModeOf } from '../resources/mesh/types.js';
import type { StoreEvent } from '../store/store.js';

/** What the cache must hold for the table to be complete. */
export const DNS_SOURCE_TYPES: readonly string[] = ['MeshService', 'MeshMultiZoneService', 'Mesh', LEGACY_VIP_TYPE, LEGACY_VIPS_TYPE];
const SERVICE_KINDS = ['MeshService', 'MeshMultiZoneService'];

export interface DnsRecord {
  readonly ip: string;
  readonly family: 4 | 6;
  /** The resource the answer comes from, for logs. */
  readonly source: string;
}

export interface HostnameClash {
  readonly hostname: string;
  readonly winner: string;
  readonly losers: readonly string[];
}

export interface DnsTable {
  lookup(name: string): DnsRecord | undefined;
  readonly size: number;
  readonly clashes: readonly HostnameClash[];
}

export interface Claim {
  readonly hostname: string;
  readonly record: DnsRecord;
  /** Older owners first: creation time, then owner id. */
  readonly rank: string;
  /** The resource making the claim. */
  readonly owner: string;
}

/** `Backend.Mesh.` -> `backend.mesh`. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function buildDnsTable(cache: ResourceCache): DnsTable {
  const table = new Map<string, Claim>();
  /** Every claim on a name more than one owner wants, for the clash report. */
  const contested = new Map<string, Claim[]>();
  for (const c of [...serviceClaims(cache), ...legacyClaims(cache)]) {
    const current = table.get(c.hostname);
    if (!current) table.set(c.hostname, c);
    else if (current.owner !== c.owner) {
      contested.set(c.hostname, [...(contested.get(c.hostname) ?? [current]), c]);
      if (c.rank < current.rank) table.set(c.hostname, c);
    }
  }
  const clashes = [...contested]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([hostname, all]) => {
      const winner = table.get(hostname);
      const losers = all.filter((c) => c.owner !== winner?.owner).sort((a, b) => (a.rank < b.rank ? -1 : 1));
      return { hostname, winner: winner?.record.source ?? '', losers: [...new Set(losers.map((c) => c.record.source))] };
    });
  return {
    lookup: (name) => table.get(normaliseName(name))?.record,
    size: table.size,
    clashes,
  };
}

/** Whether a change can alter the table (status updaters rewrite status often; most of it is not ours). */
export function affectsDns(e: StoreEvent): boolean {
  if (!DNS_SOURCE_TYPES.includes(e.resource.type)) return false;
  const before = e.previous;
  if (e.op !== 'update' || !before || before.creationTime !== e.resource.creationTime) return true;
  if (e.resource.type === 'Mesh') return meshServicesModeOf(before.spec as MeshSpec) !== meshServicesModeOf(e.resource.spec as MeshSpec);
  // A hold starting or ending on a released address changes no name.
  if (e.resource.type === LEGACY_VIPS_TYPE) return true;
  if (e.resource.type === LEGACY_VIP_TYPE) return !isDeepStrictEqual(readLegacyVip(before.spec), readLegacyVip(e.resource.spec));
  const view = (r: Resource) => {
    const status = r.status as { vips?: readonly { ip?: unknown }[]; addresses?: readonly { hostname?: unknown }[] } | undefined;
    return [status?.vips?.[0]?.ip, (status?.addresses ?? []).map((a) => a?.hostname)];
  };
  return !isDeepStrictEqual(view(before), view(e.resource));
}

function serviceClaims(cache: ResourceCache): Claim[] {
  return SERVICE_KINDS.flatMap((kind) => cache.list(kind)).flatMap(claimsOfService);
}

/** The names a MeshService or MeshMultiZoneService answers: its hostnames, with its first VIP. */
export function claimsOfService(r: Resource): Claim[] {
  const status = r.status as { vips?: readonly { ip?: unknown }[]; addresses?: readonly { hostname?: unknown }[] } | undefined;
  const ip = status?.vips?.[0]?.ip;
  const family = typeof ip === 'string' ? ipFamily(ip) : undefined;
  if (typeof ip !== 'string' || !family) return [];
  const record: DnsRecord = { ip, family, source: describeKey(r) };
  return (status?.addresses ?? []).flatMap((a) =>
    typeof a?.hostname === 'string' && a.hostname !== '' ? [claim(normaliseName(a.hostname), record, r)] : [],
  );
}

function legacyClaims(cache: ResourceCache): Claim[] {
  return cache
    .list('Mesh')
    .filter(answersLegacyNames)
    .flatMap((mesh) => {
      const records = cache.list(LEGACY_VIP_TYPE, mesh.name);
      const old = cache.get({ type: LEGACY_VIPS_TYPE, mesh: mesh.name, name: mesh.name });
      return [...records.flatMap(claimsOfLegacyVip), ...(old ? claimsOfOldLegacyVips(old, records) : [])];
    });
}

/**
 * The names of an old per-mesh `LegacyVips` record not converted yet (a follower, or the leader
 * before its allocator's first pass): its services in use that no in-use LegacyVip record names.
 */
export function claimsOfOldLegacyVips(old: Resource, records: readonly Resource[]): Claim[] {
  const converted = new Set(records.flatMap((r) => readLegacyVip(r.spec)?.[0] ?? []));
  return readLegacyVips(old.spec).flatMap(([service, ip]) => (converted.has(service) ? [] : claimsOfLegacyService(old, service, ip)));
}

/** The names of one LegacyVip record while its service is in use; none while its address is held. */
export function claimsOfLegacyVip(record: Resource): Claim[] {
  const pair = readLegacyVip(record.spec);
  return pair ? claimsOfLegacyService(record, pair[0], pair[1], legacyVipSince(record)) : [];
}

/** Whether a mesh's `<service>.mesh` names answer: every mode but Exclusive. */
export function answersLegacyNames(mesh: Resource): boolean {
  return meshServicesModeOf(mesh.spec as MeshSpec) !== 'Exclusive';
}

/** `<service>.mesh` (and its dotted form) for a service's LegacyVip record, ranked by `since` (default: creationTime). */
export function claimsOfLegacyService(record: Resource, service: string, ip: string, since = record.creationTime): Claim[] {
  const family = ipFamily(ip);
  if (!family) return [];
  const dns: DnsRecord = { ip, family, source: `${service}.mesh in mesh '${record.mesh}'` };
  const names = new Set([`${service}.mesh`, `${service.replace(/_/g, '.')}.mesh`].map(normaliseName));
  return [...names].map((hostname) => claim(hostname, dns, record, since));
}

/** The claim of one resource (a MeshService, MeshMultiZoneService or LegacyVip record). */
function claim(hostname: string, record: DnsRecord, owner: Resource, since = owner.creationTime): Claim {
  const id = `${keyString(owner)}#`;
  return { hostname, record, rank: `${since}\u0000${id}`, owner: id };
}
