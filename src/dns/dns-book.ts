/**
 * The DNS answer table kept up to date resource by resource: the same answers as `buildDnsTable`,
 * but a changed MeshService costs its own names and a changed LegacyVips record the services that
 * came, went or moved, instead of rebuilding every name of the zone (tens of milliseconds at a few
 * thousand services). Changes are only noted as they happen (`touch`) and taken in at the next
 * lookup (`refresh`), so a burst of changes costs one refresh. Reads the cache; no I/O.
 */
import type { ResourceCache } from '../controllers/resource-cache.js';
import { keyString, type Resource } from '../core/resource.js';
import { canonicalIp } from '../ipam/ip-range.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import type { StoreEvent } from '../store/store.js';
import { answersLegacyNames, type Claim, claimsOfLegacyService, claimsOfService, type DnsRecord, type DnsTable, type HostnameClash, normaliseName } from './records.js';

const SERVICE_KINDS = ['MeshService', 'MeshMultiZoneService'];

interface LegacyState {
  readonly record: Resource;
  /** Service -> the raw `vips` value it was claimed with. */
  readonly raw: Map<string, unknown>;
}

export class DnsBook implements DnsTable {
  /** Hostname -> owner -> claim. */
  private readonly names = new Map<string, Map<string, Claim>>();
  /** Owner -> the hostnames it claims. */
  private readonly owned = new Map<string, readonly string[]>();
  private readonly legacy = new Map<string, LegacyState>();
  /** Names claimed by more than one owner. */
  private readonly contested = new Set<string>();
  private readonly pendingServices = new Map<string, { readonly type: string; readonly mesh: string; readonly name: string }>();
  private readonly pendingMeshes = new Set<string>();
  private clashList: HostnameClash[] | undefined;

  constructor(private readonly cache: ResourceCache) {
    for (const kind of SERVICE_KINDS) for (const r of cache.list(kind)) this.claim(ownerOf(r), claimsOfService(r));
    for (const r of cache.list(LEGACY_VIPS_TYPE)) this.syncLegacy(r.mesh);
  }

  /** Notes a change for the next refresh. */
  touch(e: StoreEvent): void {
    const r = e.resource;
    if (SERVICE_KINDS.includes(r.type)) this.pendingServices.set(keyString(r), { type: r.type, mesh: r.mesh, name: r.name });
    else if (r.type === LEGACY_VIPS_TYPE) this.pendingMeshes.add(r.mesh);
    else if (r.type === 'Mesh') this.pendingMeshes.add(r.name);
  }

  /** Takes in every noted change; false when there was none. */
  refresh(): boolean {
    if (this.pendingServices.size === 0 && this.pendingMeshes.size === 0) return false;
    for (const [key, k] of this.pendingServices) {
      const r = this.cache.get(k);
      this.claim(`${key}#`, r ? claimsOfService(r) : []);
    }
    for (const mesh of this.pendingMeshes) this.syncLegacy(mesh);
    this.pendingServices.clear();
    this.pendingMeshes.clear();
    this.clashList = undefined;
    return true;
  }

  lookup(name: string): DnsRecord | undefined {
    return winnerOf(this.names.get(normaliseName(name)))?.record;
  }

  get size(): number {
    return this.names.size;
  }

  get clashes(): readonly HostnameClash[] {
    this.clashList ??= [...this.contested].sort().map((hostname) => {
      const claims = [...(this.names.get(hostname)?.values() ?? [])].sort((a, b) => (a.rank < b.rank ? -1 : 1));
      const [winner, ...losers] = claims;
      return { hostname, winner: winner?.record.source ?? '', losers: [...new Set(losers.map((c) => c.record.source))] };
    });
    return this.clashList;
  }

  /** Replaces every claim of one owner. */
  private claim(owner: string, claims: readonly Claim[]): void {
    for (const hostname of this.owned.get(owner) ?? []) {
      const byOwner = this.names.get(hostname);
      byOwner?.delete(owner);
      if (byOwner?.size === 0) this.names.delete(hostname);
      if ((byOwner?.size ?? 0) < 2) this.contested.delete(hostname);
    }
    const hostnames: string[] = [];
    for (const c of claims) {
      const byOwner = this.names.get(c.hostname) ?? new Map<string, Claim>();
      if (!byOwner.has(c.owner)) byOwner.set(c.owner, c);
      this.names.set(c.hostname, byOwner);
      if (byOwner.size > 1) this.contested.add(c.hostname);
      hostnames.push(c.hostname);
    }
    if (hostnames.length > 0) this.owned.set(owner, hostnames);
    else this.owned.delete(owner);
  }

  /** Brings the `<service>.mesh` names of one mesh in line with its Mesh and LegacyVips record. */
  private syncLegacy(mesh: string): void {
    const meshResource = this.cache.get({ type: 'Mesh', mesh: '', name: mesh });
    const record = this.cache.get({ type: LEGACY_VIPS_TYPE, mesh, name: mesh });
    const before = this.legacy.get(mesh);
    const wanted = record !== undefined && meshResource !== undefined && answersLegacyNames(meshResource);
    const sameRecord = before !== undefined && wanted && before.record.creationTime === record.creationTime;
    if (before && !sameRecord) {
      for (const service of before.raw.keys()) this.claim(legacyOwner(before.record, service), []);
      this.legacy.delete(mesh);
    }
    if (!wanted) return;
    const raw = vipsOf(record);
    const state: LegacyState = { record, raw: new Map(sameRecord ? before.raw : []) };
    for (const [service, value] of raw) {
      if (state.raw.get(service) === value && state.raw.has(service)) continue;
      const ip = typeof value === 'string' ? canonicalIp(value) : undefined;
      this.claim(legacyOwner(record, service), ip ? claimsOfLegacyService(record, service, ip) : []);
      state.raw.set(service, value);
    }
    for (const service of [...state.raw.keys()]) {
      if (raw.has(service)) continue;
      this.claim(legacyOwner(record, service), []);
      state.raw.delete(service);
    }
    this.legacy.set(mesh, state);
  }
}

function winnerOf(claims: ReadonlyMap<string, Claim> | undefined): Claim | undefined {
  let best: Claim | undefined;
  for (const c of claims?.values() ?? []) if (!best || c.rank < best.rank) best = c;
  return best;
}

const ownerOf = (r: Resource): string => `${keyString(r)}#`;
const legacyOwner = (record: Resource, service: string): string => `${keyString(record)}#${service}`;

function vipsOf(record: Resource): Map<string, unknown> {
  const vips = (record.spec as { vips?: unknown } | null | undefined)?.vips;
  return typeof vips === 'object' && vips !== null ? new Map(Object.entries(vips)) : new Map();
}
