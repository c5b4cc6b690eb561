/**
 * What a zone control plane computes on its own and global never sees, filled into a simulated
 * zone view the way the zone's controllers would (same pure functions): legacy `<service>.mesh`
 * VIPs, a VIP for every MeshService and MeshMultiZoneService that has none yet (values are
 * placeholders: only how many there are shapes the Envoy config), hostnames from the zone's
 * HostnameGenerators, and each MeshMultiZoneService's matched MeshServices.
 */
import { keyString, type Resource } from '../core/resource.js';
import { SERVICE_TAG } from '../core/well-known-labels.js';
import { ipAt, parseCidr } from '../ipam/ip-range.js';
import { LEGACY_VIP_TYPE, legacyVipKey, legacyVipRecordsOf, type LegacyVipSpec } from '../ipam/legacy-vip-records.js';
import { DEFAULT_LEGACY_VIP_CIDR, nextLegacyVips } from '../ipam/legacy-vips.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import { assignHostnames, type HostnameGeneratorInput } from '../resources/hostname-generator/assign.js';
import type { HostnameGeneratorSpec } from '../resources/hostname-generator/types.js';
import { computeMeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/status.js';
import type { MeshMultiZoneServiceSpec } from '../resources/mesh-multizone-service/types.js';

const MESH_SERVICE_FAMILY = ['241.0.0.0/8', '242.0.0.0/8', '243.0.0.0/8'];

interface VipStatus {
  readonly vips?: readonly { readonly ip: string }[];
}

/** Hands out addresses of one range that nothing in the view uses yet. */
class PlaceholderVips {
  private next = 1n;
  constructor(
    private readonly cidr: string,
    private readonly used: Set<string>,
  ) {}

  take(): string {
    const range = parseCidr(this.cidr);
    for (;;) {
      const ip = ipAt(range, this.next++);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
  }
}

function vipsOf(r: Resource): readonly string[] {
  return ((r.status as VipStatus | undefined)?.vips ?? []).map((v) => v.ip);
}

/** The zone's LegacyVip records of the mesh, or ones computed like the zone's allocator would (`made`). */
function legacyVips(resources: readonly Resource[], mesh: string, now: Date): { records: Resource[]; made: boolean } {
  const existing = resources.filter((r) => r.type === LEGACY_VIP_TYPE && r.mesh === mesh);
  if (existing.length > 0) return { records: existing, made: false };
  const services = new Set<string>();
  for (const r of resources) {
    if (r.type !== 'Dataplane' || r.mesh !== mesh) continue;
    for (const i of inboundsOf(r.spec as DataplaneSpec)) if (i.tags?.[SERVICE_TAG]) services.add(i.tags[SERVICE_TAG]);
  }
  if (services.size === 0) return { records: [], made: false };
  const spec = nextLegacyVips({ current: undefined, services, now, cidr: DEFAULT_LEGACY_VIP_CIDR, exclude: MESH_SERVICE_FAMILY }).spec;
  const time = now.toISOString();
  const records = [...legacyVipRecordsOf(spec).values()].map((r) => ({ ...legacyVipKey(mesh, r.vip), labels: {}, spec: r, creationTime: time, modificationTime: time, version: 1 }));
  return { records, made: true };
}

export interface FilledView {
  readonly resources: Resource[];
  /** VIPs this simulation made up (the zone will allocate its own): not shown as addresses. */
  readonly placeholders: ReadonlySet<string>;
}

/** The zone view's resources with VIPs, hostnames, MMZS matches and legacy VIPs filled in. */
export function fillZoneComputed(resources: readonly Resource[], mesh: string, zone: string, now: Date): FilledView {
  const used = new Set(resources.flatMap(vipsOf));
  const placeholders = new Set<string>();
  const pools: Record<string, PlaceholderVips> = {
    MeshService: new PlaceholderVips('241.0.0.0/8', used),
    MeshMultiZoneService: new PlaceholderVips('243.0.0.0/8', used),
  };
  const services = resources.filter((r) => r.mesh === mesh && (r.type === 'MeshService' || r.type === 'MeshMultiZoneService'));
  const generators = resources.filter((r) => r.type === 'HostnameGenerator') as Resource<HostnameGeneratorSpec>[] as HostnameGeneratorInput[];
  const hostnames = assignHostnames({ generators, targets: services, localZone: zone });
  const meshServices = services.filter((r) => r.type === 'MeshService');
  const filled = new Map<string, Resource>();
  for (const r of services) {
    const pool = pools[r.type];
    const status = { ...((r.status as Record<string, unknown> | undefined) ?? {}) };
    if (vipsOf(r).length === 0 && pool !== undefined) {
      const ip = pool.take();
      placeholders.add(ip);
      status.vips = [{ ip }];
    }
    const assigned = hostnames.get(keyString(r));
    status.addresses = assigned?.addresses ?? [];
    if (r.type === 'MeshMultiZoneService') {
      status.meshServices = computeMeshMultiZoneServiceStatus(r as Resource<MeshMultiZoneServiceSpec>, meshServices).meshServices;
    }
    filled.set(keyString(r), { ...r, status });
  }
  const out = resources.filter((r) => r.type !== LEGACY_VIP_TYPE).map((r) => filled.get(keyString(r)) ?? r);
  const legacy = legacyVips(resources, mesh, now);
  if (legacy.made) for (const r of legacy.records) placeholders.add((r.spec as LegacyVipSpec).vip);
  return { resources: [...out, ...legacy.records], placeholders };
}
