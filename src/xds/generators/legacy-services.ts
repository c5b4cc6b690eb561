/**
 * Facts about `kuma.io/service` destinations, computed once per mesh: the protocol of each service
 * (from the `kuma.io/protocol` tags of the inbounds that carry it).
 */
import { PROTOCOL_TAG, SERVICE_TAG } from '../../core/well-known-labels.js';
import { inboundsOf } from '../../resources/dataplane/types.js';
import { type MeshContext, shared } from '../proxy-context.js';

/**
 * The protocol every inbound of the service agrees on, else `tcp` (Kuma infers it from the
 * endpoints the same way). All inbounds count, healthy or not, so that a listener does not change
 * shape (HTTP <-> TCP) when the last healthy endpoint goes away.
 */
export function legacyProtocolOf(ctx: MeshContext, service: string): string {
  return legacyProtocols(ctx).get(service) ?? 'tcp';
}

function legacyProtocols(ctx: MeshContext): ReadonlyMap<string, string> {
  return shared(ctx, 'legacy-protocols', () => {
    const seen = new Map<string, Set<string>>();
    for (const dp of ctx.dataplanes) {
      for (const inbound of inboundsOf(dp.spec)) {
        const service = inbound.tags?.[SERVICE_TAG];
        if (!service) continue;
        const protocols = seen.get(service) ?? new Set<string>();
        protocols.add(inbound.tags?.[PROTOCOL_TAG] || 'tcp');
        seen.set(service, protocols);
      }
    }
    const out = new Map<string, string>();
    for (const [service, protocols] of seen) out.set(service, protocols.size === 1 ? [...protocols][0] ?? 'tcp' : 'tcp');
    return out;
  });
}
