/**
 * Which destinations one proxy gets, per migration mode (traffic doc 2.2-2.4, semantics A.2):
 * - legacy `kuma.io/service` VIP destinations in every mode but Exclusive (limited to
 *   `reachableServices` when the Dataplane lists any);
 * - MeshServices and MeshMultiZoneServices in every mode, Disabled included: in Kuma 2.x the mode
 *   only stops generation, and any MeshService that exists anyway (made by hand, or synced from
 *   another zone) still becomes an outbound;
 * - mode ReachableBackends: only for a Dataplane that sets `transparentProxying.reachableBackends`;
 * - any mode: a Dataplane that sets `reachableBackends` gets only the backends it names (`refs: []`
 *   or no refs: none); one that lists only `reachableServices` gets no Mesh*Service at all.
 * Changed on purpose: Kuma returns after the first service a labels ref resolves (2.4 quirk); here
 * every matching service is reachable. Kuma's graph check, which gives a Dataplane without
 * inbounds no outbounds at all, is not copied: proxyless clients usually have no inbounds.
 */
import { inboundAddressOf, inboundsOf } from '../../resources/dataplane/types.js';
import type { MeshServicesMode } from '../../resources/mesh/types.js';
import { type DataplaneResource, type MeshContext, type MeshServiceResource, type MultiZoneServiceResource, type ProxyContext, shared } from '../proxy-context.js';
import { DestinationIndex, resolveRefs } from './destination-index.js';
import type { GenerationNote } from './generated.js';
import { legacyProtocolOf } from './legacy-services.js';
import type { DestinationIdentity } from './names.js';

export interface DestinationPort {
  readonly port: number;
  /** The port's name, or its number as text when unnamed. */
  readonly sectionName: string;
  readonly appProtocol: string;
}

export interface LegacyDestination {
  readonly kind: 'legacy';
  /** `legacy:<service>`: the key proxy-sync indexes reachability by. */
  readonly key: string;
  readonly service: string;
  readonly vip: string;
  readonly port: DestinationPort;
}

export interface ServiceDestination {
  readonly kind: 'MeshService' | 'MeshMultiZoneService';
  readonly key: string;
  readonly identity: DestinationIdentity;
  readonly resource: MeshServiceResource | MultiZoneServiceResource;
  /** The reachable ports only, in the order the resource lists them. */
  readonly ports: readonly DestinationPort[];
  readonly vips: readonly string[];
  readonly hostnames: readonly string[];
}

export type Destination = LegacyDestination | ServiceDestination;

export interface Destinations {
  readonly destinations: readonly Destination[];
  readonly notes: readonly GenerationNote[];
}

/** What decides which Mesh*Services a proxy reaches: its Dataplane and its mesh's mode. */
export interface ReachingProxy {
  readonly dataplane: DataplaneResource;
  readonly mode: MeshServicesMode;
}

/** Kuma's `serviceVipPort`: legacy VIP entries carry no port, so their listener is on 80. */
export const LEGACY_VIP_PORT = 80;

export function destinationKey(kind: string, name: string): string {
  return `${kind}:${name}`;
}

export function legacyKey(service: string): string {
  return destinationKey('legacy', service);
}

/**
 * Every destination the proxy gets, legacy first, then MeshService, then MeshMultiZoneService;
 * `own`: the proxy's inbound `<address>:<port>`s, which no outbound may take (profile.ts passes
 * none to get what proxies of one reach shape share, then checks a proxy's against its VIPs).
 */
export function destinationsFor(ctx: ProxyContext, own: ReadonlySet<string> = ownInterfaces(ctx)): Destinations {
  const notes: GenerationNote[] = [];
  const keep = (d: Destination, vip: string, port: number): boolean => {
    if (!own.has(`${vip}:${port}`)) return true;
    notes.push({ subject: d.key, reason: `VIP ${vip}:${port} is one of the proxy's own inbound addresses; no outbound for it` });
    return false;
  };
  const legacy = legacyDestinations(ctx).filter((d) => keep(d, d.vip, d.port.port));
  const reaching = { dataplane: ctx.dataplane, mode: ctx.meshContext.mode };
  const services = reachedThrough(reaching, destinationIndexOf(ctx.meshContext), notes).map((d) => {
    const ports = d.ports.filter((p) => d.vips.every((vip) => keep(d, vip, p.port)));
    return ports.length === d.ports.length ? d : { ...d, ports };
  });
  return { destinations: [...legacy, ...services.filter((d) => d.ports.length > 0)], notes };
}

/** The proxy's inbound interfaces as `<address>:<port>`: a destination VIP:port among them gets no outbound. */
export function ownInterfaces(ctx: ProxyContext): Set<string> {
  const spec = ctx.dataplane.spec;
  return new Set(inboundsOf(spec).map((i) => `${inboundAddressOf(spec, i)}:${i.port ?? 0}`));
}

function legacyDestinations(ctx: ProxyContext): LegacyDestination[] {
  if (ctx.meshContext.mode === 'Exclusive') return [];
  const listed = ctx.dataplane.spec.networking?.transparentProxying?.reachableServices ?? [];
  const only = listed.length > 0 ? new Set(listed) : undefined;
  return [...ctx.meshContext.legacyVips.entries()]
    .filter(([service]) => only === undefined || only.has(service))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, vip]) => ({
      kind: 'legacy',
      key: legacyKey(service),
      service,
      vip,
      port: { port: LEGACY_VIP_PORT, sectionName: String(LEGACY_VIP_PORT), appProtocol: legacyProtocolOf(ctx.meshContext, service) },
    }));
}

/**
 * The Mesh*Service destinations among `meshServices` and `multiZoneServices` this proxy reaches.
 * Exported so proxy-sync can ask about one changed service without building the whole set; for
 * the whole mesh, `destinationsFor` resolves through the MeshContext's shared index instead.
 */
export function serviceDestinations(
  ctx: ReachingProxy,
  meshServices: readonly MeshServiceResource[],
  multiZoneServices: readonly MultiZoneServiceResource[],
  notes: GenerationNote[] = [],
): ServiceDestination[] {
  return reachedThrough(ctx, new DestinationIndex(meshServices, multiZoneServices, serviceDestinationOf), notes);
}

/** Every Mesh*Service destination of the mesh, indexed; one per MeshContext, filled in as proxies ask. */
export function destinationIndexOf(ctx: MeshContext): DestinationIndex {
  return shared(ctx, 'service-destination-index', () => new DestinationIndex(ctx.meshServices, ctx.multiZoneServices, serviceDestinationOf));
}

/** The destinations of `index` the proxy reaches (shared objects where it reaches every port). */
function reachedThrough(ctx: ReachingProxy, index: DestinationIndex, notes: GenerationNote[]): ServiceDestination[] {
  const tp = ctx.dataplane.spec.networking?.transparentProxying;
  const reachable = tp?.reachableBackends;
  if (reachable === undefined) {
    if (ctx.mode === 'ReachableBackends') return [];
    if ((tp?.reachableServices ?? []).length > 0) return [];
    return [...index.all];
  }
  return resolveRefs(ctx.dataplane, reachable.refs ?? [], index, notes).map(({ d, sections }) =>
    sections.size === d.ports.length ? d : { ...d, ports: d.ports.filter((p) => sections.has(p.sectionName)) },
  );
}

/** The destination a MeshService or MeshMultiZoneService resource is (all its ports). */
export function serviceDestinationOf(kind: 'MeshService' | 'MeshMultiZoneService', r: MeshServiceResource | MultiZoneServiceResource): ServiceDestination {
  return kind === 'MeshService' ? meshServiceDestination(r as MeshServiceResource) : multiZoneDestination(r as MultiZoneServiceResource);
}

function meshServiceDestination(ms: MeshServiceResource): ServiceDestination {
  return {
    kind: 'MeshService',
    key: destinationKey('msvc', ms.name),
    identity: { shortName: 'msvc', mesh: ms.mesh, name: ms.name, labels: ms.labels },
    resource: ms,
    ports: (ms.spec.ports ?? []).map((p) => ({ port: p.port, sectionName: p.name ? p.name : String(p.port), appProtocol: p.appProtocol || 'tcp' })),
    vips: (ms.status?.vips ?? []).map((v) => v.ip),
    hostnames: (ms.status?.addresses ?? []).map((a) => a.hostname),
  };
}

function multiZoneDestination(mzs: MultiZoneServiceResource): ServiceDestination {
  return {
    kind: 'MeshMultiZoneService',
    key: destinationKey('mzsvc', mzs.name),
    identity: { shortName: 'mzsvc', mesh: mzs.mesh, name: mzs.name, labels: mzs.labels },
    resource: mzs,
    ports: (mzs.spec.ports ?? []).map((p) => ({ port: p.port, sectionName: p.name ? p.name : String(p.port), appProtocol: p.appProtocol || 'tcp' })),
    vips: (mzs.status?.vips ?? []).map((v) => v.ip),
    hostnames: (mzs.status?.addresses ?? []).map((a) => a.hostname),
  };
}
