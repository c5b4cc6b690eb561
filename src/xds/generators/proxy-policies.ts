/**
 * The routes and policies of a mesh, resolved once per MeshContext (shared by its proxies), and
 * those that configure one proxy. Proxies selected by the same policies share one ProxyPolicies
 * (and, through its set id, the per-port results outbound.ts and proxyless.ts keep per set).
 */
import { DestinationCatalog } from '../../policies/destination-catalog.js';
import { MeshPolicies, type ProxyPolicies, type ToEntry } from '../../policies/policy-index.js';
import { type MeshContext, type ProxyContext, shared } from '../proxy-context.js';

/** The destinations references can name in this mesh. */
export function catalogOf(ctx: MeshContext): DestinationCatalog {
  return shared(ctx, 'destination-catalog', () => new DestinationCatalog(ctx.meshServices, ctx.multiZoneServices));
}

/** The mesh's routes and policies with their `to` entries resolved. */
export function meshPoliciesOf(ctx: MeshContext): MeshPolicies {
  return shared(ctx, 'mesh-policies', () => new MeshPolicies(ctx.policyResources, catalogOf(ctx)));
}

/** The entries configuring a proxy, and an id equal for exactly the proxies configured by the same entries. */
export interface PolicySet {
  readonly policies: ProxyPolicies;
  /** The positions of its entries among the mesh's, within one MeshContext. */
  readonly id: string;
}

function entryPositions(ctx: MeshContext): ReadonlyMap<ToEntry, number> {
  return shared(ctx, 'policy-entry-positions', () => new Map(meshPoliciesOf(ctx).entries.map((e, i) => [e, i])));
}

/** The routes and policies that configure this proxy, shared with every proxy they configure alike. */
export function proxyPolicySetOf(ctx: ProxyContext): PolicySet {
  const mesh = ctx.meshContext;
  const own = meshPoliciesOf(mesh).forProxy({ dataplane: ctx.dataplane, meshServices: mesh.meshServices });
  const positions = entryPositions(mesh);
  const id = own.entries.map((e) => positions.get(e) ?? `?${e.source}#${e.index}`).join(',');
  return shared(mesh, `proxy-policies\u0000${id}`, () => ({ policies: own, id }));
}

/** The routes and policies that configure this proxy. */
export function proxyPoliciesOf(ctx: ProxyContext): ProxyPolicies {
  return proxyPolicySetOf(ctx).policies;
}
