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
import { type Labels } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { ReachableBackendRef } from '../../resources/dataplane/types.js';
import { inboundAddressOf, inboundsOf } from '../../resources/dataplane/types.js';
import { kriOf } from '../../core/kri.js';
import type { MeshServicesMode } from '../../resources/mesh/types.js';
import type { DataplaneResource, MeshServiceResource, MultiZoneServiceResource, ProxyContext } from '../proxy-context.js';
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

/** Every destination the proxy gets, legacy first, then MeshService, then MeshMultiZoneService. */
export function destinationsFor(ctx: ProxyContext): Destinations {
  const notes: GenerationNote[] = [];
  const own = ownInterfaces(ctx);
  const keep = (d: Destination, vip: string, port: number): boolean => {
    if (!own.has(`${vip}:${port}`)) return true;
    notes.push({ subject: d.key, reason: `VIP ${vip}:${port} is one of the proxy's own inbound addresses; no outbound for it` });
    return false;
  };
  const legacy = legacyDestinations(ctx).filter((d) => keep(d, d.vip, d.port.port));
  const reaching = { dataplane: ctx.dataplane, mode: ctx.meshContext.mode };
  const services = serviceDestinations(reaching, ctx.meshContext.meshServices, ctx.meshContext.multiZoneServices, notes).map((d) => ({
    ...d,
    ports: d.ports.filter((p) => d.vips.every((vip) => keep(d, vip, p.port))),
  }));
  return { destinations: [...legacy, ...services.filter((d) => d.ports.length > 0)], notes };
}

function ownInterfaces(ctx: ProxyContext): Set<string> {
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
 * Exported so proxy-sync can ask about one changed service without building the whole set.
 */
export function serviceDestinations(
  ctx: ReachingProxy,
  meshServices: readonly MeshServiceResource[],
  multiZoneServices: readonly MultiZoneServiceResource[],
  notes: GenerationNote[] = [],
): ServiceDestination[] {
  const tp = ctx.dataplane.spec.networking?.transparentProxying;
  const reachable = tp?.reachableBackends;
  if (reachable === undefined) {
    if (ctx.mode === 'ReachableBackends') return [];
    if ((tp?.reachableServices ?? []).length > 0) return [];
  }
  const all = [...meshServices.map(meshServiceDestination), ...multiZoneServices.map(multiZoneDestination)];
  if (reachable === undefined) return all;
  const selected = resolveRefs(ctx, reachable.refs ?? [], all, notes);
  return all.flatMap((d) => {
    const sections = selected.get(d.key);
    if (sections === undefined) return [];
    return [{ ...d, ports: d.ports.filter((p) => sections.has(p.sectionName)) }];
  });
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

const SHORT_NAME_OF_KIND: Readonly<Record<string, string>> = { MeshService: 'msvc', MeshMultiZoneService: 'mzsvc' };

/** Destination key -> the section names its refs make reachable. */
function resolveRefs(ctx: ReachingProxy, refs: readonly ReachableBackendRef[], all: readonly ServiceDestination[], notes: GenerationNote[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  refs.forEach((ref, i) => {
    const subject = `networking.transparentProxying.reachableBackends.refs[${i}]`;
    const short = SHORT_NAME_OF_KIND[ref.kind ?? ''];
    if (short === undefined) {
      notes.push({ subject, reason: `kind '${ref.kind ?? ''}' is not a destination Meshplane serves; ignored` });
      return;
    }
    const ofKind = all.filter((d) => d.identity.shortName === short);
    const matched = matchRef(ctx, ref, ofKind);
    if (matched.length === 0) notes.push({ subject, reason: 'matches no destination' });
    for (const d of matched) {
      const ports = ref.port === undefined ? d.ports : d.ports.filter((p) => p.sectionName === String(ref.port) || p.port === ref.port);
      if (ports.length === 0) notes.push({ subject, reason: `${d.kind} '${d.identity.name}' has no port ${String(ref.port)}` });
      const sections = out.get(d.key) ?? new Set<string>();
      for (const p of ports) sections.add(p.sectionName);
      out.set(d.key, sections);
    }
  });
  return out;
}

/**
 * Kuma 2.x: labels first (every destination carrying all of them); when that finds nothing, the
 * name, read as a local identifier: the proxy's own zone, and `namespace` or else the proxy's own.
 * A MeshMultiZoneService belongs to no zone, so its name is matched without one.
 */
function matchRef(ctx: ReachingProxy, ref: ReachableBackendRef, candidates: readonly ServiceDestination[]): ServiceDestination[] {
  const labels = ref.labels ?? {};
  if (Object.keys(labels).length > 0) {
    const byLabels = candidates.filter((d) => hasLabels(d.identity.labels, labels));
    if (byLabels.length > 0 || !ref.name) return byLabels;
  }
  if (!ref.name) return [];
  const dpLabels = ctx.dataplane.labels;
  const namespace = ref.namespace ?? dpLabels[LABEL.namespace] ?? '';
  return candidates.filter((d) => {
    const k = kriOf(d.identity.shortName, d.identity);
    const zone = d.kind === 'MeshMultiZoneService' ? '' : (dpLabels[LABEL.zone] ?? '');
    return k.name === ref.name && k.namespace === namespace && k.zone === zone;
  });
}

function hasLabels(have: Labels, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => have[k] === v);
}
