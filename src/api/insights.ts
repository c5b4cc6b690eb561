/**
 * Insight and overview bodies for the GUI and `inspect` (Kuma's shapes). A proxy is online while
 * it has an xDS stream to this control plane (`connected` node ids, `<mesh>.<name>`); overviews
 * list no subscriptions (Meshplane keeps no DataplaneInsight history). Pure: the routes fetch the
 * resources, these functions shape them.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import { formatKri, kriOf } from '../core/kri.js';
import type { Resource } from '../core/resource.js';
import { isPlainObject } from '../core/schema.js';
import { toWire } from '../core/wire.js';

export interface ProxyStat {
  readonly offline: number;
  readonly online: number;
  readonly partiallyDegraded: number;
  readonly total: number;
}

export interface DataplaneStats {
  readonly standard: ProxyStat;
  readonly gatewayBuiltin: ProxyStat;
  readonly gatewayDelegated: ProxyStat;
}

function offline(total: number): ProxyStat {
  return { offline: total, online: 0, partiallyDegraded: 0, total };
}

/** Node ids of connected proxies; a global control plane serves no xDS, so none. */
export type ConnectedProxies = ReadonlySet<string>;

function proxyStat(dataplanes: readonly Resource[], connected: ConnectedProxies): ProxyStat {
  const online = dataplanes.filter((d) => connected.has(`${d.mesh}.${d.name}`)).length;
  return { offline: dataplanes.length - online, online, partiallyDegraded: 0, total: dataplanes.length };
}

/** A Dataplane with `networking.gateway` is a gateway: BUILTIN, or delegated otherwise. */
export function gatewayType(dp: Resource): 'standard' | 'builtin' | 'delegated' {
  const spec = isPlainObject(dp.spec) ? dp.spec : {};
  const networking = isPlainObject(spec.networking) ? spec.networking : {};
  if (!isPlainObject(networking.gateway)) return 'standard';
  return networking.gateway.type === 'BUILTIN' ? 'builtin' : 'delegated';
}

export function dataplaneStats(dataplanes: readonly Resource[], connected: ConnectedProxies = new Set()): DataplaneStats {
  const of = (t: ReturnType<typeof gatewayType>): ProxyStat => proxyStat(dataplanes.filter((d) => gatewayType(d) === t), connected);
  return { standard: of('standard'), gatewayBuiltin: of('builtin'), gatewayDelegated: of('delegated') };
}

function sumStats(a: ProxyStat, b: ProxyStat): ProxyStat {
  return { offline: a.offline + b.offline, online: a.online + b.online, partiallyDegraded: 0, total: a.total + b.total };
}

/** A MeshService counts as online when its spec.state is Available. */
export function serviceStat(services: readonly Resource[]): ProxyStat {
  const online = services.filter((s) => isPlainObject(s.spec) && s.spec.state === 'Available').length;
  return { offline: services.length - online, online, partiallyDegraded: 0, total: services.length };
}

export interface GlobalInsightInput {
  readonly now: Date;
  readonly totals: ReadonlyMap<KindDescriptor, number>;
  readonly dataplanes: readonly Resource[];
  readonly meshServices: readonly Resource[];
  readonly connected?: ConnectedProxies;
}

export function globalInsight(input: GlobalInsightInput): Record<string, unknown> {
  const total = (name: string): number => [...input.totals].find(([k]) => k.name === name)?.[1] ?? 0;
  const resources: Record<string, { total: number }> = {};
  let policies = 0;
  for (const [kind, n] of [...input.totals].sort(([a], [b]) => (a.name < b.name ? -1 : 1))) {
    resources[kind.name] = { total: n };
    if (kind.isPolicy) policies += n;
  }
  return {
    createdAt: input.now.toISOString(),
    dataplanes: dataplaneStats(input.dataplanes, input.connected),
    meshes: { total: total('Mesh') },
    policies: { total: policies },
    resources,
    services: {
      external: { total: 0 },
      gatewayBuiltin: offline(0),
      gatewayDelegated: offline(0),
      internal: serviceStat(input.meshServices),
    },
    zones: {
      controlPlanes: { online: 0, total: total('Zone') },
      zoneEgresses: { online: 0, total: 0 },
      zoneIngresses: { online: 0, total: total('ZoneIngress') },
    },
  };
}

export interface MeshInsightInput {
  readonly mesh: Resource;
  readonly now: Date;
  /** Totals of the mesh-scoped kinds inside this mesh. */
  readonly totals: ReadonlyMap<KindDescriptor, number>;
  readonly dataplanes: readonly Resource[];
  readonly meshServices: readonly Resource[];
  readonly connected?: ConnectedProxies;
}

export function meshInsight(input: MeshInsightInput): Record<string, unknown> {
  const connected = input.connected ?? new Set<string>();
  const byType = dataplaneStats(input.dataplanes, connected);
  const policies: Record<string, { total: number }> = {};
  const resources: Record<string, { total: number }> = {};
  for (const [kind, n] of [...input.totals].sort(([a], [b]) => (a.name < b.name ? -1 : 1))) {
    resources[kind.name] = { total: n };
    if (kind.isPolicy && n > 0) policies[kind.name] = { total: n };
  }
  return {
    type: 'MeshInsight',
    name: input.mesh.name,
    creationTime: input.mesh.creationTime,
    modificationTime: input.now.toISOString(),
    dataplanes: proxyStat(input.dataplanes, connected),
    policies,
    dpVersions: { kumaDp: {}, envoy: {} },
    mTLS: { issuedBackends: {}, supportedBackends: {} },
    services: { total: input.meshServices.length, internal: input.meshServices.length, external: 0 },
    dataplanesByType: {
      standard: byType.standard,
      gateway: sumStats(byType.gatewayBuiltin, byType.gatewayDelegated),
      gatewayBuiltin: byType.gatewayBuiltin,
      gatewayDelegated: byType.gatewayDelegated,
    },
    resources,
  };
}

/** Kuma's DataplaneOverview item: the Dataplane's meta, its body under `dataplane`, its insight. */
export function dataplaneOverview(kind: KindDescriptor, dp: Resource): Record<string, unknown> {
  const wire = toWire(kind, dp);
  const out: Record<string, unknown> = {
    type: 'DataplaneOverview',
    mesh: dp.mesh,
    name: dp.name,
    creationTime: dp.creationTime,
    modificationTime: dp.modificationTime,
  };
  if (wire.labels !== undefined) out.labels = wire.labels;
  out.kri = formatKri(kriOf(kind.shortName, dp));
  out.dataplane = dp.spec;
  out.dataplaneInsight = { subscriptions: [] };
  return out;
}
