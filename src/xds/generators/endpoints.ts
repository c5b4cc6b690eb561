/**
 * Endpoints of a destination port (traffic doc 3.4-3.6; semantics 1.7, 8.6), computed once per
 * mesh and shared by every proxy that reaches the port:
 * - Local MeshService: the healthy inbounds of the Dataplanes its selector picks (Kuma indexes only
 *   healthy inbounds), paired with the port by targetPort (number = inbound port, name = inbound
 *   name; no targetPort pairs nothing). The MeshService's ports decide: a Dataplane whose inbound
 *   disagrees (a port conflict) is simply not an endpoint of that port. Priority 0.
 * - MeshService synced from another zone (its `kuma.io/zone` label): never matched against local
 *   Dataplanes. When both zones run on a flat network, the owning zone's own endpoints for the port
 *   (its FlatEndpoints record, kds/flat-endpoints.ts). Otherwise, as Kuma 2.x: the advertised
 *   `address:port` of every ZoneIngress of that zone that has one (deduplicated; an ingress without
 *   a public address is skipped), for every port. Either way locality `{zone, priority: 1}`.
 *   Departures: Kuma fills remote endpoints only when the mesh has mTLS (or a MeshIdentity), since
 *   the zone ingress routes by SNI; Meshplane has no mTLS yet and does not wait for it. Meshplane
 *   does not configure the ZoneIngress proxy itself; reaching one is the operator's business.
 * - `kuma.io/service`: the healthy inbounds carrying that tag.
 * - MeshMultiZoneService: the endpoints of the same port NUMBER of each MeshService in its status,
 *   skipping a synced one whose `spec.state` is not Available: local ones at priority 0, other
 *   zones' at 1, so a client stays in its zone and fails over when none of it is healthy (Kuma's
 *   default, locality-aware).
 * An endpoint is `inbound.address`, else the advertised address, else `networking.address`, with
 * the inbound port, and the inbound's `kuma.io/zone` tag (else the Dataplane's label) as locality.
 * Addresses that are not IP literals are left out with a note: gRPC's client NACKs them and Envoy
 * rejects them in EDS too ("malformed IP address"); Kuma resolves names in its Dataplane manager.
 * Priorities are finally made dense from 0: gRPC NACKs a gap, and for Envoy a lone priority 1 takes
 * all traffic exactly as a priority 0 would.
 */
import { isIP } from 'node:net';
import { kriOf } from '../../core/kri.js';
import { LABEL, SERVICE_TAG } from '../../core/well-known-labels.js';
import { flatEndpointsOfPort } from '../../kds/flat-endpoints.js';
import type { Inbound } from '../../resources/dataplane/types.js';
import { inboundsOf } from '../../resources/dataplane/types.js';
import { inboundsForPort } from '../../resources/mesh-service/selection.js';
import { type DataplaneResource, type MeshContext, type MeshServiceResource, type MultiZoneServiceResource, shared } from '../proxy-context.js';
import type { Destination, DestinationPort } from './destinations.js';
import type { EndpointAddress } from './envoy-builders/endpoint.js';
import type { GenerationNote } from './generated.js';

export interface EndpointSet {
  readonly endpoints: readonly EndpointAddress[];
  readonly notes: readonly GenerationNote[];
}

const EMPTY: EndpointSet = { endpoints: [], notes: [] };
const PRIORITY_REMOTE = 1;

/** The endpoints of one port of a destination (memoised per mesh). */
export function endpointsFor(ctx: MeshContext, d: Destination, port: DestinationPort): EndpointSet {
  return shared(ctx, `endpoints\u0000${d.key}\u0000${port.port}`, () => {
    if (d.kind === 'legacy') return legacyEndpoints(ctx, d.service);
    const set =
      d.kind === 'MeshService'
        ? meshServiceEndpoints(ctx, d.resource as MeshServiceResource, port.port)
        : multiZoneEndpoints(ctx, d.resource as MultiZoneServiceResource, port.port);
    return { endpoints: densePriorities(set.endpoints), notes: set.notes };
  });
}

/** Kuma's "local" MeshService: no origin label, or origin `zone`. */
export function isLocal(ms: MeshServiceResource): boolean {
  const origin = ms.labels[LABEL.origin];
  return origin === undefined || origin === 'zone';
}

/**
 * The endpoints this zone serves a local MeshService port on (priority 0); also what a zone on a
 * flat network publishes for other zones. No port of that number: none.
 */
export function localServiceEndpoints(ctx: MeshContext, ms: MeshServiceResource, portNumber: number): EndpointSet {
  const port = (ms.spec.ports ?? []).find((p) => p.port === portNumber);
  if (port === undefined) return EMPTY;
  const pairs: [DataplaneResource, Inbound][] = [];
  // By name, as Dataplanes are listed: the index answers in insertion order, which a kept one changes.
  const selected = ctx.healthyIndex.select(ms).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dp of selected) for (const inbound of inboundsForPort(dp, port)) pairs.push([dp, inbound]);
  return collect(pairs, `MeshService '${ms.name}' port ${portNumber}`);
}

function meshServiceEndpoints(ctx: MeshContext, ms: MeshServiceResource, portNumber: number): EndpointSet {
  return isLocal(ms) ? localServiceEndpoints(ctx, ms, portNumber) : remoteServiceEndpoints(ctx, ms, portNumber);
}

function remoteServiceEndpoints(ctx: MeshContext, ms: MeshServiceResource, portNumber: number): EndpointSet {
  if (!(ms.spec.ports ?? []).some((p) => p.port === portNumber)) return EMPTY;
  const zone = ms.labels[LABEL.zone] ?? '';
  const subject = `MeshService '${ms.name}' port ${portNumber}`;
  const flat = ctx.flatEndpoints.get(ms.name);
  if (flat !== undefined && (flat.labels[LABEL.zone] ?? '') === zone) {
    const endpoints: EndpointAddress[] = [];
    const notes: GenerationNote[] = [];
    for (const e of flatEndpointsOfPort(flat.spec, portNumber)) {
      if (isIP(e.address) === 0) notes.push({ subject, reason: `flat-network endpoint '${e.address}' from zone '${zone}' is not an IP literal; left out` });
      else endpoints.push({ address: e.address, port: e.port, zone, priority: PRIORITY_REMOTE });
    }
    return { endpoints: dedupe(endpoints), notes };
  }
  const ingresses = zoneIngressEndpoints(ctx).get(zone) ?? [];
  if (ingresses.length === 0) {
    return { endpoints: [], notes: [{ subject, reason: `synced from zone '${zone}', which has no ZoneIngress with an advertised IP address (and sent no flat-network endpoints); no endpoints` }] };
  }
  return { endpoints: ingresses, notes: [] };
}

/** Zone -> the advertised address:port of its ZoneIngresses, at remote priority (once per mesh). */
function zoneIngressEndpoints(ctx: MeshContext): ReadonlyMap<string, readonly EndpointAddress[]> {
  return shared(ctx, 'zone-ingress-endpoints', () => {
    const byZone = new Map<string, EndpointAddress[]>();
    for (const zi of ctx.zoneIngresses) {
      const zone = zi.spec.zone || zi.labels[LABEL.zone] || '';
      const address = zi.spec.networking?.advertisedAddress ?? '';
      const port = zi.spec.networking?.advertisedPort ?? 0;
      // Kuma: an ingress without a public address is not reachable from other zones yet.
      if (zone === '' || address === '' || port === 0 || isIP(address) === 0) continue;
      byZone.set(zone, [...(byZone.get(zone) ?? []), { address, port, zone, priority: PRIORITY_REMOTE }]);
    }
    return new Map([...byZone].map(([zone, list]) => [zone, dedupe(list)]));
  });
}

function legacyEndpoints(ctx: MeshContext, service: string): EndpointSet {
  const pairs: [DataplaneResource, Inbound][] = [];
  for (const dp of ctx.legacyBackends.get(service) ?? []) {
    for (const inbound of inboundsOf(dp.spec)) if (inbound.tags?.[SERVICE_TAG] === service) pairs.push([dp, inbound]);
  }
  return collect(pairs, `kuma.io/service '${service}'`);
}

function multiZoneEndpoints(ctx: MeshContext, mzs: MultiZoneServiceResource, portNumber: number): EndpointSet {
  const endpoints: EndpointAddress[] = [];
  const notes: GenerationNote[] = [];
  for (const ref of mzs.status?.meshServices ?? []) {
    const ms = ctx.meshServices.find((m) => {
      const k = kriOf('msvc', m);
      return m.mesh === ref.mesh && k.name === ref.name && k.namespace === ref.namespace && k.zone === ref.zone;
    });
    if (ms === undefined || (!isLocal(ms) && ms.spec.state !== 'Available')) continue;
    const set = meshServiceEndpoints(ctx, ms, portNumber);
    endpoints.push(...set.endpoints);
    notes.push(...set.notes);
  }
  return { endpoints: dedupe(endpoints), notes };
}

function collect(pairs: readonly [DataplaneResource, Inbound][], what: string): EndpointSet {
  const endpoints: EndpointAddress[] = [];
  const notes: GenerationNote[] = [];
  for (const [dp, inbound] of pairs) {
    const net = dp.spec.networking;
    const address = inbound.address || net?.advertisedAddress || net?.address || '';
    const port = inbound.port ?? 0;
    if (isIP(address) === 0) {
      notes.push({ subject: `${what}: Dataplane '${dp.name}'`, reason: `address '${address}' is not an IP literal; xDS endpoints must be IPs, so it is left out` });
      continue;
    }
    endpoints.push({ address, port, zone: inbound.tags?.[LABEL.zone] ?? dp.labels[LABEL.zone] ?? '' });
  }
  return { endpoints: dedupe(endpoints), notes };
}

/** Sorted, and one entry per address:port (gRPC NACKs duplicates within one assignment); the first wins. */
function dedupe(endpoints: readonly EndpointAddress[]): EndpointAddress[] {
  const byKey = new Map<string, EndpointAddress>();
  for (const e of endpoints) {
    const key = `${e.address}\u0000${e.port}`;
    if (!byKey.has(key)) byKey.set(key, e);
  }
  return [...byKey.values()].sort((a, b) => (a.address !== b.address ? (a.address < b.address ? -1 : 1) : a.port - b.port));
}

/** Renumbers the priorities present to 0, 1, ... in order, so none is skipped. */
export function densePriorities(endpoints: readonly EndpointAddress[]): EndpointAddress[] {
  const present = [...new Set(endpoints.map((e) => e.priority ?? 0))].sort((a, b) => a - b);
  if (present.every((p, i) => p === i)) return [...endpoints];
  const rank = new Map(present.map((p, i) => [p, i]));
  return endpoints.map((e) => ({ ...e, priority: rank.get(e.priority ?? 0) ?? 0 }));
}
