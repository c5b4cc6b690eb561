/**
 * ClusterLoadAssignment builder. Endpoints are grouped by locality, one LocalityLbEndpoints per
 * zone, each with `locality` and `load_balancing_weight` set: gRPC's xDS client NACKs a missing
 * locality and silently drops a locality without weight (xds-grpc-client-notes gotcha 5).
 */
import type { EnvoyObject } from '../../envoy/encode.js';

export interface EndpointAddress {
  readonly address: string;
  readonly port: number;
  /** Locality zone; '' when unknown. */
  readonly zone: string;
}

export function clusterLoadAssignment(clusterName: string, endpoints: readonly EndpointAddress[]): EnvoyObject {
  const byZone = new Map<string, EndpointAddress[]>();
  for (const e of endpoints) byZone.set(e.zone, [...(byZone.get(e.zone) ?? []), e]);
  const zones = [...byZone.keys()].sort();
  return {
    cluster_name: clusterName,
    endpoints: zones.map((zone) => {
      const members = byZone.get(zone) ?? [];
      return {
        locality: zone === '' ? {} : { zone },
        load_balancing_weight: { value: members.length },
        lb_endpoints: members.map((e) => ({
          endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
          load_balancing_weight: { value: 1 },
        })),
      };
    }),
  };
}
