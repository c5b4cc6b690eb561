/**
 * The routes and policies of a mesh, resolved once per MeshContext (shared by its proxies), and
 * those that configure one proxy.
 */
import { DestinationCatalog } from '../../policies/destination-catalog.js';
import { MeshPolicies, type ProxyPolicies } from '../../policies/policy-index.js';
import { type MeshContext, type ProxyContext, shared } from '../proxy-context.js';

/** The destinations references can name in this mesh. */
export function catalogOf(ctx: MeshContext): DestinationCatalog {
  return shared(ctx, 'destination-catalog', () => new DestinationCatalog(ctx.meshServices, ctx.multiZoneServices));
}

/** The mesh's routes and policies with their `to` entries resolved. */
export function meshPoliciesOf(ctx: MeshContext): MeshPolicies {
  return shared(ctx, 'mesh-policies', () => new MeshPolicies(ctx.policyResources, catalogOf(ctx)));
}

/** The routes and policies that configure this proxy. */
export function proxyPoliciesOf(ctx: ProxyContext): ProxyPolicies {
  return meshPoliciesOf(ctx.meshContext).forProxy({ dataplane: ctx.dataplane, meshServices: ctx.meshContext.meshServices });
}
