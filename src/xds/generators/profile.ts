/**
 * The fixed order in which generators run for one proxy (like Kuma's default proxy profile):
 * inbounds (sidecars only), then outbounds (sidecar listeners, or proxyless api_listeners), each
 * with the clusters and endpoints of the destinations it reaches. Also resolves name clashes:
 * of two listeners with one name the later wins, as in Kuma, where a MeshService listener replaces
 * a legacy one at the same address:port (traffic doc 3.7); of two other resources with one name
 * and different content the first stays. Either way a note says so.
 */
import { isDeepStrictEqual } from 'node:util';
import { resourceTypeInfo, TYPE_URL } from '../envoy/type-urls.js';
import type { ProxyContext } from '../proxy-context.js';
import { proxyPolicySetOf } from './proxy-policies.js';
import type { ResourceInput } from '../snapshot.js';
import { destinationsFor } from './destinations.js';
import { concatGenerated, type GenerationNote } from './generated.js';
import { inboundResources } from './inbound.js';
import { outboundResources } from './outbound.js';
import { proxylessResources } from './proxyless.js';

export interface ProxyConfig {
  readonly resources: readonly ResourceInput[];
  readonly notes: readonly GenerationNote[];
  /** Keys of the destinations the proxy reaches (proxy-sync indexes reachability by them). */
  readonly destinationKeys: readonly string[];
  /** Keys of the destinations only its routes send to (backendRefs); proxy-sync watches them too. */
  readonly backendKeys: readonly string[];
}

export function generateProxyConfig(ctx: ProxyContext): ProxyConfig {
  const { destinations, notes } = destinationsFor(ctx);
  const policies = proxyPolicySetOf(ctx);
  const outbound = ctx.client.proxyless ? proxylessResources(ctx, destinations, policies) : outboundResources(ctx, destinations, policies);
  const generated = ctx.client.proxyless
    ? concatGenerated([{ resources: [], notes }, outbound])
    : concatGenerated([inboundResources(ctx), { resources: [], notes }, outbound]);
  const deduped = dedupe(generated.resources);
  const reached = destinations.map((d) => d.key);
  const reachedSet = new Set(reached);
  const viaRoutes = outbound.backendKeys.filter((k) => !reachedSet.has(k)).sort();
  return { resources: deduped.resources, notes: [...generated.notes, ...deduped.notes], destinationKeys: reached, backendKeys: viaRoutes };
}

function nameOf(r: ResourceInput): string {
  const field = resourceTypeInfo(r.typeUrl)?.nameField ?? 'name';
  return String(r.resource[field] ?? '');
}

/** Keeps input order: a replaced listener moves to where its replacement came. */
function dedupe(resources: readonly ResourceInput[]): { resources: ResourceInput[]; notes: GenerationNote[] } {
  const byType = new Map<string, Map<string, number>>();
  const kept: (ResourceInput | undefined)[] = [];
  const notes: GenerationNote[] = [];
  for (const r of resources) {
    let positions = byType.get(r.typeUrl);
    if (positions === undefined) byType.set(r.typeUrl, (positions = new Map()));
    const name = nameOf(r);
    const at = positions.get(name);
    const earlier = at === undefined ? undefined : kept[at];
    if (at === undefined || earlier === undefined || earlier.resource === r.resource) {
      if (at === undefined) positions.set(name, kept.push(r) - 1);
      else kept[at] = r;
      continue;
    }
    if (isDeepStrictEqual(earlier.resource, r.resource)) continue;
    const short = resourceTypeInfo(r.typeUrl)?.shortName ?? r.typeUrl;
    if (r.typeUrl === TYPE_URL.listener) {
      kept[at] = undefined;
      positions.set(name, kept.push(r) - 1);
      notes.push({ subject: name, reason: `two ${short} resources share this name; the later one (a Mesh*Service outbound) replaces the earlier` });
    } else {
      notes.push({ subject: name, reason: `two different ${short} resources share this name; the first is kept` });
    }
  }
  return { resources: kept.filter((r): r is ResourceInput => r !== undefined), notes };
}
