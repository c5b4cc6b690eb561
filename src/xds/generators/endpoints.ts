/**
 * Endpoints of a destination port (traffic doc 3.4, 3.6; semantics 1.7, 8.6), computed once per
 * mesh and shared by every proxy that reaches the port:
 * - MeshService: the healthy inbounds of the Dataplanes its selector picks (Kuma indexes only
 *   healthy inbounds), paired with the port by targetPort (number = inbound port, name = inbound
 *   name; no targetPort pairs nothing). The MeshService's ports decide: a Dataplane whose inbound
 *   disagrees (a port conflict) is simply not an endpoint of that port.
 * - `kuma.io/service`: the healthy inbounds carrying that tag.
 * - MeshMultiZoneService: the endpoints of the same port NUMBER of each MeshService in its status.
 * An endpoint is `inbound.address`, else the advertised address, else `networking.address`, with
 * the inbound port, and the inbound's `kuma.io/zone` tag (else the Dataplane's label) as locality.
 * Addresses that are not IP literals are left out with a note: gRPC's client NACKs them and Envoy
 * rejects them in EDS too ("malformed IP address"); Kuma resolves names in its Dataplane manager.
 * MeshServices synced from another zone get no endpoints: reaching them needs a zone proxy and
 * mTLS, which this milestone does not build (Kuma v2 also leaves them empty without mTLS).
 */
import { isIP } from 'node:net';
import { kriOf } from '../../core/kri.js';
import { LABEL, SERVICE_TAG } from '../../core/well-known-labels.js';
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

/** The endpoints of one port of a destination (memoised per mesh). */
export function endpointsFor(ctx: MeshContext, d: Destination, port: DestinationPort): EndpointSet {
  return shared(ctx, `endpoints\u0000${d.key}\u0000${port.port}`, () => {
    if (d.kind === 'legacy') return legacyEndpoints(ctx, d.service);
    if (d.kind === 'MeshService') return meshServiceEndpoints(ctx, d.resource as MeshServiceResource, port.port);
    return multiZoneEndpoints(ctx, d.resource as MultiZoneServiceResource, port.port);
  });
}

/** Kuma's "local" MeshService: no origin label, or origin `zone`. */
export function isLocal(ms: MeshServiceResource): boolean {
  const origin = ms.labels[LABEL.origin];
  return origin === undefined || origin === 'zone';
}

function meshServiceEndpoints(ctx: MeshContext, ms: MeshServiceResource, portNumber: number): EndpointSet {
  const port = (ms.spec.ports ?? []).find((p) => p.port === portNumber);
  if (port === undefined) return EMPTY;
  if (!isLocal(ms)) {
    return { endpoints: [], notes: [{ subject: `MeshService '${ms.name}'`, reason: 'synced from another zone: it would be reached through a zone proxy, which Meshplane does not configure yet; no endpoints' }] };
  }
  const pairs: [DataplaneResource, Inbound][] = [];
  for (const dp of ctx.healthyIndex.select(ms)) for (const inbound of inboundsForPort(dp, port)) pairs.push([dp, inbound]);
  return collect(pairs, `MeshService '${ms.name}' port ${portNumber}`);
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

/** Sorted, and one entry per address:port (gRPC NACKs duplicates within one assignment). */
function dedupe(endpoints: readonly EndpointAddress[]): EndpointAddress[] {
  const byKey = new Map<string, EndpointAddress>();
  for (const e of endpoints) {
    const key = `${e.address}\u0000${e.port}`;
    if (!byKey.has(key)) byKey.set(key, e);
  }
  return [...byKey.values()].sort((a, b) => (a.address !== b.address ? (a.address < b.address ? -1 : 1) : a.port - b.port));
}
