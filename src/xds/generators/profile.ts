/**
 * The fixed order in which generators run for one proxy (like Kuma's default proxy profile):
 * inbounds (sidecars only), then outbounds (sidecar listeners, or proxyless api_listeners), each
 * with the clusters and endpoints of the destinations it reaches; name clashes are resolved by
 * dedupe-resources.ts. A proxy's config comes in two layers: its own resources (inbounds, kept
 * per Dataplane object) and the outbound part it shares with every proxy of its outbound shape
 * (shared-outbound.ts), so regenerating it costs what its own part costs. When the two cannot be
 * put side by side unchanged (an inbound at one of the part's VIPs, or a resource name in both),
 * the proxy is generated on its own, flat. Either way the flattened config is what
 * `generateFlatProxyConfig` gives, which is pinned against it over random meshes.
 */
import { inboundsOf } from '../../resources/dataplane/types.js';
import type { DataplaneResource, ProxyContext } from '../proxy-context.js';
import type { ResourceInput } from '../snapshot.js';
import { dedupeResources, resourceNameOf } from './dedupe-resources.js';
import { destinationsFor, ownInterfaces } from './destinations.js';
import { concatGenerated, type GenerationNote } from './generated.js';
import { inboundResources } from './inbound.js';
import { outboundResources } from './outbound.js';
import { proxyPolicySetOf } from './proxy-policies.js';
import { proxylessResources } from './proxyless.js';
import { type ConfigPart, type SharedOutbound, sharedOutboundOf } from './shared-outbound.js';

export interface ProxyConfig {
  readonly resources: readonly ResourceInput[];
  readonly notes: readonly GenerationNote[];
  /** Keys of the destinations the proxy reaches (proxy-sync indexes reachability by them). */
  readonly destinationKeys: readonly string[];
  /** Keys of the destinations only its routes send to (backendRefs); proxy-sync watches them too. */
  readonly backendKeys: readonly string[];
}

/** A proxy's config as its own part and the part it shares (undefined: its own part is all of it). */
export interface ProxyConfigLayers {
  readonly own: ConfigPart;
  readonly shared: SharedOutbound | undefined;
  readonly destinationKeys: readonly string[];
  readonly backendKeys: readonly string[];
  /** destinationKeys and backendKeys together. */
  readonly reached: ReadonlySet<string>;
}

const NO_PART: ConfigPart = { resources: [], notes: [], dedupeNotes: [] };

interface OwnPart {
  readonly sidecar: ConfigPart;
  /** The sidecar part's (type URL, name) pairs. */
  readonly names: readonly (readonly [string, string])[];
  readonly interfaces: ReadonlySet<string>;
}

/** By Dataplane object, like inbound.ts: an unchanged Dataplane's own part is reused as it is. */
const ownParts = new WeakMap<DataplaneResource, OwnPart>();

function ownPartOf(ctx: ProxyContext): OwnPart {
  const known = ownParts.get(ctx.dataplane);
  if (known !== undefined) return known;
  const inbound = inboundResources(ctx);
  const deduped = dedupeResources(inbound.resources);
  const made = {
    sidecar: { resources: deduped.resources, notes: inbound.notes, dedupeNotes: deduped.notes },
    names: deduped.resources.map((r) => [r.typeUrl, resourceNameOf(r)] as const),
    interfaces: inboundsOf(ctx.dataplane.spec).length === 0 ? new Set<string>() : ownInterfaces(ctx),
  };
  ownParts.set(ctx.dataplane, made);
  return made;
}

export function generateProxyLayers(ctx: ProxyContext): ProxyConfigLayers {
  const mine = ownPartOf(ctx);
  const own = ctx.client.proxyless ? NO_PART : mine.sidecar;
  const shared = sharedOutboundOf(ctx);
  const clash = intersects(mine.interfaces, shared.vipPorts) || (!ctx.client.proxyless && sharesAName(mine.names, shared));
  if (clash) return flatLayers(generateFlatProxyConfig(ctx));
  return { own, shared, destinationKeys: shared.destinationKeys, backendKeys: shared.backendKeys, reached: shared.reached };
}

export function generateProxyConfig(ctx: ProxyContext): ProxyConfig {
  return flattenLayers(generateProxyLayers(ctx));
}

/** The layers as one config: own resources then shared ones; generation notes, then dedupe notes. */
export function flattenLayers(layers: ProxyConfigLayers): ProxyConfig {
  const { own, shared } = layers;
  const resources = shared === undefined ? own.resources : [...own.resources, ...shared.resources];
  const notes = shared === undefined ? [...own.notes, ...own.dedupeNotes] : [...own.notes, ...shared.notes, ...own.dedupeNotes, ...shared.dedupeNotes];
  return { resources, notes, destinationKeys: layers.destinationKeys, backendKeys: layers.backendKeys };
}

/** The proxy's config generated in one piece, sharing nothing but what the generators share. */
export function generateFlatProxyConfig(ctx: ProxyContext): ProxyConfig {
  const { destinations, notes } = destinationsFor(ctx);
  const policies = proxyPolicySetOf(ctx);
  const outbound = ctx.client.proxyless ? proxylessResources(ctx, destinations, policies) : outboundResources(ctx, destinations, policies);
  const generated = ctx.client.proxyless
    ? concatGenerated([{ resources: [], notes }, outbound])
    : concatGenerated([inboundResources(ctx), { resources: [], notes }, outbound]);
  const deduped = dedupeResources(generated.resources);
  const reached = destinations.map((d) => d.key);
  const reachedSet = new Set(reached);
  const viaRoutes = outbound.backendKeys.filter((k) => !reachedSet.has(k)).sort();
  return { resources: deduped.resources, notes: [...generated.notes, ...deduped.notes], destinationKeys: reached, backendKeys: viaRoutes };
}

function flatLayers(config: ProxyConfig): ProxyConfigLayers {
  const own = { resources: config.resources, notes: config.notes, dedupeNotes: [] };
  return { own, shared: undefined, destinationKeys: config.destinationKeys, backendKeys: config.backendKeys, reached: new Set([...config.destinationKeys, ...config.backendKeys]) };
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function sharesAName(own: OwnPart['names'], shared: SharedOutbound): boolean {
  return own.some(([typeUrl, name]) => shared.names.get(typeUrl)?.has(name) ?? false);
}
