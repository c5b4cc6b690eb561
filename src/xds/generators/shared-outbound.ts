/**
 * The outbound part of a proxy's config (destinations, outbound or proxyless resources, their
 * notes, the destination and backend keys), built once per MeshContext for every proxy of one
 * outbound shape and shared by them, with the snapshot layer made from it (snapshot-layer.ts).
 * The shape key names every input the part is built from:
 * - the client kind, and a sidecar's bindToPort (`redirectPortOutbound`);
 * - the policy set (proxy-policies.ts: the routes and policies that configure the proxy);
 * - what decides the destinations (destinations.ts, destination-index.ts): `reachableServices`
 *   (as a set: legacy VIPs filter by it, and any makes Mesh*Services unreachable without
 *   `reachableBackends`), and `reachableBackends` with its refs as written (their order numbers the
 *   notes), with the zone and namespace labels a ref's name is read in;
 * - the mesh's mode and everything else is the MeshContext's.
 * One input is left out: the proxy's own inbound interfaces, which no outbound may take. The part
 * is built as if there were none, and lists every VIP:port it was checked against, so a proxy with
 * an inbound at one of them is generated on its own (profile.ts); usually no proxy has.
 */
import { LABEL } from '../../core/well-known-labels.js';
import { type ProxyContext, shared } from '../proxy-context.js';
import type { ResourceInput } from '../snapshot.js';
import { dedupeResources, resourceNameOf } from './dedupe-resources.js';
import { type Destination, destinationsFor } from './destinations.js';
import { concatGenerated, type GenerationNote } from './generated.js';
import { outboundResources } from './outbound.js';
import { type PolicySet, proxyPolicySetOf } from './proxy-policies.js';
import { proxylessResources } from './proxyless.js';

/** Resources deduped among themselves, the notes of generating them, and those of deduping. */
export interface ConfigPart {
  readonly resources: readonly ResourceInput[];
  readonly notes: readonly GenerationNote[];
  readonly dedupeNotes: readonly GenerationNote[];
}

export interface SharedOutbound extends ConfigPart {
  readonly destinationKeys: readonly string[];
  /** Destinations only its routes send to, not among destinationKeys, sorted. */
  readonly backendKeys: readonly string[];
  /** destinationKeys and backendKeys together (what proxy-sync indexes the proxy under). */
  readonly reached: ReadonlySet<string>;
  /** Every `<vip>:<port>` of its destinations: a proxy with an inbound at one cannot share the part. */
  readonly vipPorts: ReadonlySet<string>;
  /** Resource names by type URL, as dedupe reads them. */
  readonly names: ReadonlyMap<string, ReadonlySet<string>>;
}

const SEP = '\u0000';
const NO_INTERFACES: ReadonlySet<string> = new Set();

/** The key of everything the outbound part of this proxy is built from (but its inbound interfaces). */
export function outboundShapeKey(ctx: ProxyContext, set: PolicySet): string {
  const tp = ctx.dataplane.spec.networking?.transparentProxying;
  const client = ctx.client.proxyless ? 'grpc' : `envoy:${String(!(tp?.redirectPortOutbound ?? 0))}`;
  const listed = tp?.reachableServices ?? [];
  const services = listed.length === 0 ? '' : [...new Set(listed)].sort().join('\u0001');
  const backends = tp?.reachableBackends;
  const labels = ctx.dataplane.labels;
  const reach = backends === undefined ? '-' : JSON.stringify([backends.refs ?? [], labels[LABEL.zone] ?? null, labels[LABEL.namespace] ?? null]);
  return ['outbound-part', client, set.id, services, reach].join(SEP);
}

/** The proxy's outbound part, shared with every proxy of its MeshContext and shape. */
export function sharedOutboundOf(ctx: ProxyContext): SharedOutbound {
  const set = proxyPolicySetOf(ctx);
  return shared(ctx.meshContext, outboundShapeKey(ctx, set), () => buildOutbound(ctx, set));
}

function buildOutbound(ctx: ProxyContext, set: PolicySet): SharedOutbound {
  const { destinations, notes } = destinationsFor(ctx, NO_INTERFACES);
  const outbound = ctx.client.proxyless ? proxylessResources(ctx, destinations, set) : outboundResources(ctx, destinations, set);
  const generated = concatGenerated([{ resources: [], notes }, outbound]);
  const deduped = dedupeResources(generated.resources);
  const destinationKeys = destinations.map((d) => d.key);
  const reachedSet = new Set(destinationKeys);
  const backendKeys = outbound.backendKeys.filter((k) => !reachedSet.has(k)).sort();
  return {
    resources: deduped.resources,
    notes: generated.notes,
    dedupeNotes: deduped.notes,
    destinationKeys,
    backendKeys,
    reached: new Set([...destinationKeys, ...backendKeys]),
    vipPorts: vipPortsOf(destinations),
    names: namesOf(deduped.resources),
  };
}

function vipPortsOf(destinations: readonly Destination[]): Set<string> {
  const out = new Set<string>();
  for (const d of destinations) {
    if (d.kind === 'legacy') out.add(`${d.vip}:${d.port.port}`);
    else for (const vip of d.vips) for (const p of d.ports) out.add(`${vip}:${p.port}`);
  }
  return out;
}

function namesOf(resources: readonly ResourceInput[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of resources) {
    let names = out.get(r.typeUrl);
    if (names === undefined) out.set(r.typeUrl, (names = new Set()));
    names.add(resourceNameOf(r));
  }
  return out;
}
