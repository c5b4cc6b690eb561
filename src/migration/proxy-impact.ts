/**
 * What every proxy of a zone gets in one state, from the real generator (the same functions the
 * zone's ProxySync runs): its destinations, each with what clients dial and which
 * `kuma.io/service` instances it sends to (`service@zone`), and how many Envoy resources of each
 * type its configuration has. A `kuma.io/service` destination reaches the service in every zone
 * that runs it: that is what `<service>.mesh` means in Kuma 2.x (cross-zone through ZoneIngress),
 * and what clients relying on it expect to keep (docs/migration.md says where Meshplane's own
 * outbounds fall short of it). Sidecar (Envoy) configuration is counted; a proxyless gRPC client
 * gets one api_listener per hostname and VIP instead, with the same destinations.
 */
import { kriOf } from '../core/kri.js';
import type { Resource } from '../core/resource.js';
import { LABEL, SERVICE_TAG } from '../core/well-known-labels.js';
import { inboundsOf } from '../resources/dataplane/types.js';
import { selects } from '../resources/mesh-service/selection.js';
import type { MeshServiceSpec } from '../resources/mesh-service/types.js';
import type { MeshMultiZoneServiceStatus } from '../resources/mesh-multizone-service/types.js';
import { resourceTypeInfo } from '../xds/envoy/type-urls.js';
import { type Destination, destinationsFor } from '../xds/generators/destinations.js';
import { legacyHostname } from '../xds/generators/names.js';
import { generateProxyConfig } from '../xds/generators/profile.js';
import { ENVOY_CLIENT, type MeshContext, meshContextOf, nodeIdOf, proxyContextOf } from '../xds/proxy-context.js';
import { dataplanesOf, type Federation, servicesByZone } from './federation.js';
import type { DestinationKind, DestinationSummary, ResourceCounts } from './types.js';
import type { ZoneView } from './zone-views.js';

export interface ProxyOutcome {
  readonly zone: string;
  readonly name: string;
  readonly destinations: ReadonlyMap<string, DestinationSummary>;
  readonly counts: ResourceCounts;
}

export const NO_RESOURCES: ResourceCounts = { LDS: 0, RDS: 0, CDS: 0, EDS: 0, total: 0 };

export function addCounts(a: ResourceCounts, b: ResourceCounts): ResourceCounts {
  return { LDS: a.LDS + b.LDS, RDS: a.RDS + b.RDS, CDS: a.CDS + b.CDS, EDS: a.EDS + b.EDS, total: a.total + b.total };
}

function countsOf(resources: readonly { readonly typeUrl: string }[]): ResourceCounts {
  const c = { LDS: 0, RDS: 0, CDS: 0, EDS: 0, total: 0 };
  for (const r of resources) {
    const short = resourceTypeInfo(r.typeUrl)?.shortName;
    if (short === 'LDS' || short === 'RDS' || short === 'CDS' || short === 'EDS') c[short]++;
    c.total++;
  }
  return c;
}

/** `kuma.io/service` values of the Dataplanes (of `zone`) a MeshService selects. */
function servicesOf(fed: Federation, zone: string, ms: Resource<MeshServiceSpec>): string[] {
  const tagged = ms.spec.selector?.dataplaneTags?.[SERVICE_TAG];
  if (tagged) return [tagged];
  const out = new Set<string>();
  for (const dp of dataplanesOf(fed.zones.get(zone) ?? [], fed.mesh)) {
    if (!selects({ ...ms, mesh: dp.mesh }, dp)) continue;
    for (const i of inboundsOf(dp.spec)) if (i.tags?.[SERVICE_TAG]) out.add(i.tags[SERVICE_TAG]);
  }
  return [...out];
}

const zonesMemo = new WeakMap<Federation, Map<string, Map<string, number>>>();

/** Kuma balances `<service>.mesh` over every zone that runs the service (through their ZoneIngress). */
function legacyZones(fed: Federation): Map<string, Map<string, number>> {
  let zones = zonesMemo.get(fed);
  if (zones === undefined) {
    zones = servicesByZone(fed);
    zonesMemo.set(fed, zones);
  }
  return zones;
}

function reachOfMeshService(fed: Federation, localZone: string, ms: Resource): string[] {
  const zone = ms.labels[LABEL.zone] || localZone;
  return servicesOf(fed, zone, ms as Resource<MeshServiceSpec>).map((s) => `${s}@${zone}`);
}

function reachOf(fed: Federation, ctx: MeshContext, zone: string, d: Destination): string[] {
  if (d.kind === 'legacy') return [...(legacyZones(fed).get(d.service)?.keys() ?? [])].map((z) => `${d.service}@${z}`);
  if (d.kind === 'MeshService') return reachOfMeshService(fed, zone, d.resource);
  const matched = (d.resource.status as MeshMultiZoneServiceStatus | undefined)?.meshServices ?? [];
  return matched.flatMap((m) => {
    const ms = ctx.meshServices.find((x) => {
      const k = kriOf('msvc', x);
      return k.name === m.name && k.zone === m.zone && k.namespace === m.namespace;
    });
    return ms === undefined ? [] : reachOfMeshService(fed, zone, ms);
  });
}

/** Shown instead of a VIP the simulation made up: the zone allocates the real one. */
export const NEW_VIP = '<new-vip>';

function summaryOf(fed: Federation, ctx: MeshContext, zv: ZoneView, d: Destination): DestinationSummary {
  const zone = zv.zone;
  const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
  const vip = (ip: string): string => (zv.placeholderVips.has(ip) ? NEW_VIP : ip);
  if (d.kind === 'legacy') {
    const addresses = [`${legacyHostname(d.service)}:${d.port.port}`, `${vip(d.vip)}:${d.port.port}`];
    return { key: d.key, kind: 'kuma.io/service', name: d.service, addresses, reaches: sorted(reachOf(fed, ctx, zone, d)) };
  }
  const kind: DestinationKind = d.kind;
  const addresses = d.ports.flatMap((p) => [...d.hostnames.map((h) => `${h}:${p.port}`), ...d.vips.map((v) => `${vip(v)}:${p.port}`)]);
  const owner = d.kind === 'MeshService' ? d.resource.labels[LABEL.zone] || zone : undefined;
  return {
    key: d.key,
    kind,
    name: kriOf(d.identity.shortName, d.identity).name,
    ...(owner === undefined ? {} : { zone: owner }),
    addresses,
    reaches: sorted(reachOf(fed, ctx, zone, d)),
  };
}

/** Every proxy of the zone (its Dataplanes of the mesh) in this state. */
export function proxiesOfZone(fed: Federation, zv: ZoneView): ProxyOutcome[] {
  const meshContext = meshContextOf(zv.view, fed.mesh);
  if (meshContext === undefined) return [];
  const out: ProxyOutcome[] = [];
  for (const dp of meshContext.dataplanes) {
    const result = proxyContextOf(zv.view, nodeIdOf(dp), { client: ENVOY_CLIENT, meshContext });
    if (!result.ok) continue;
    const destinations = new Map<string, DestinationSummary>();
    for (const d of destinationsFor(result.context).destinations) destinations.set(d.key, summaryOf(fed, meshContext, zv, d));
    out.push({ zone: zv.zone, name: dp.name, destinations, counts: countsOf(generateProxyConfig(result.context).resources) });
  }
  return out;
}
