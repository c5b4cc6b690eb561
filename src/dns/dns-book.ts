/**
 * The DNS answer table kept up to date resource by resource: the same answers as `buildDnsTable`,
 * but a changed MeshService or LegacyVip record costs its own names (a Mesh's mode change the
 * LegacyVip records of that mesh), instead of rebuilding every name of the zone (tens of milliseconds at a few
 * thousand services). Changes are only noted as they happen (`touch`) and taken in at the next
 * lookup (`refresh`), so a burst of changes costs one refresh. Reads the cache; no I/O.
 */
import type { ResourceCache } from '../controllers/resource-cache.js';
import { keyString, type Resource } from '../core/resource.js';
import { LEGACY_VIP_TYPE } from '../ipam/legacy-vip-records.js';
import { LEGACY_VIPS_TYPE } from '../ipam/legacy-vips.js';
import type { StoreEvent } from '../store/store.js';
import { answersLegacyNames, type Claim, claimsOfLegacyVip, claimsOfOldLegacyVips, claimsOfService, type DnsRecord, type DnsTable, type HostnameClash, normaliseName } from './records.js';

const SERVICE_KINDS = ['MeshService', 'MeshMultiZoneService'];

export class DnsBook implements DnsTable {
  /** Hostname -> owner -> claim. */
  private readonly names = new Map<string, Map<string, Claim>>();
  /** Owner -> the hostnames it claims. */
  private readonly owned = new Map<string, readonly string[]>();
  /** Names claimed by more than one owner. */
  private readonly contested = new Set<string>();
  private readonly pendingServices = new Map<string, { readonly type: string; readonly mesh: string; readonly name: string }>();
  private readonly pendingLegacy = new Map<string, Resource>();
  private readonly pendingMeshes = new Set<string>();
  private clashList: HostnameClash[] | undefined;

  constructor(private readonly cache: ResourceCache) {
    for (const kind of SERVICE_KINDS) for (const r of cache.list(kind)) this.claim(ownerOf(r), claimsOfService(r));
    for (const r of cache.list(LEGACY_VIP_TYPE)) this.claimLegacy(r);
    for (const r of cache.list(LEGACY_VIPS_TYPE)) this.claimOldLegacy(r.mesh);
  }

  /** Notes a change for the next refresh. */
  touch(e: StoreEvent): void {
    const r = e.resource;
    if (SERVICE_KINDS.includes(r.type)) this.pendingServices.set(keyString(r), { type: r.type, mesh: r.mesh, name: r.name });
    else if (r.type === LEGACY_VIP_TYPE || r.type === LEGACY_VIPS_TYPE) this.pendingLegacy.set(keyString(r), r);
    else if (r.type === 'Mesh') this.pendingMeshes.add(r.name);
  }

  /** Takes in every noted change; false when there was none. */
  refresh(): boolean {
    if (this.pendingServices.size === 0 && this.pendingLegacy.size === 0 && this.pendingMeshes.size === 0) return false;
    for (const [key, k] of this.pendingServices) {
      const r = this.cache.get(k);
      this.claim(`${key}#`, r ? claimsOfService(r) : []);
    }
    for (const mesh of this.pendingMeshes) for (const r of this.cache.list(LEGACY_VIP_TYPE, mesh)) this.pendingLegacy.set(keyString(r), r);
    const oldMeshes = new Set<string>(this.pendingMeshes);
    for (const [key, k] of this.pendingLegacy) {
      const r = this.cache.get(k);
      if (r) this.claimLegacy(r);
      else this.claim(`${key}#`, []);
      oldMeshes.add(k.mesh);
    }
    for (const mesh of oldMeshes) this.claimOldLegacy(mesh);
    this.pendingServices.clear();
    this.pendingLegacy.clear();
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

  /** The `<service>.mesh` names of one LegacyVip record: none while held or in an Exclusive mesh. */
  /** The names of a mesh's old per-mesh record (while it exists) that no LegacyVip record took over. */
  private claimOldLegacy(meshName: string): void {
    const key = { type: LEGACY_VIPS_TYPE, mesh: meshName, name: meshName };
    const old = this.cache.get(key);
    const mesh = this.cache.get({ type: 'Mesh', mesh: '', name: meshName });
    const answers = old !== undefined && mesh !== undefined && answersLegacyNames(mesh);
    this.claim(`${keyString(key)}#`, answers ? claimsOfOldLegacyVips(old, this.cache.list(LEGACY_VIP_TYPE, meshName)) : []);
  }

  private claimLegacy(r: Resource): void {
    if (r.type === LEGACY_VIPS_TYPE) return;
    const mesh = this.cache.get({ type: 'Mesh', mesh: '', name: r.mesh });
    this.claim(ownerOf(r), mesh !== undefined && answersLegacyNames(mesh) ? claimsOfLegacyVip(r) : []);
  }
}

function winnerOf(claims: ReadonlyMap<string, Claim> | undefined): Claim | undefined {
  let best: Claim | undefined;
  for (const c of claims?.values() ?? []) if (!best || c.rank < best.rank) best = c;
  return best;
}

const ownerOf = (r: Resource): string => `${keyString(r)}#`;
