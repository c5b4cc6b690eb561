/**
 * ClusterLoadAssignment builder. Endpoints are grouped by (priority, zone), one LocalityLbEndpoints
 * per group, each with `locality` and `load_balancing_weight` set: gRPC's xDS client NACKs a
 * missing locality and silently drops a locality without weight (xds-grpc-client-notes gotcha 5).
 * `priority` is written only when it is not 0 (proto3 default); callers keep priorities dense
 * from 0, because gRPC also NACKs a gap ("Endpoints have priority 1 but not 0").
 */
import type { EnvoyObject } from '../../envoy/encode.js';

export interface EndpointAddress {
  readonly address: string;
  readonly port: number;
  /** Locality zone; '' when unknown. */
  readonly zone: string;
  /** Locality priority: 0 (absent) for the local zone, 1 for other zones (traffic doc 3.5, 3.6). */
  readonly priority?: number;
}

export function clusterLoadAssignment(clusterName: string, endpoints: readonly EndpointAddress[]): EnvoyObject {
  const groups = new Map<string, { zone: string; priority: number; members: EndpointAddress[] }>();
  for (const e of endpoints) {
    const priority = e.priority ?? 0;
    const key = `${priority}\u0000${e.zone}`;
    const group = groups.get(key) ?? { zone: e.zone, priority, members: [] };
    group.members.push(e);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => a.priority - b.priority || (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  return {
    cluster_name: clusterName,
    endpoints: ordered.map(({ zone, priority, members }) => ({
      locality: zone === '' ? {} : { zone },
      load_balancing_weight: { value: members.length },
      lb_endpoints: members.map((e) => ({
        endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
        load_balancing_weight: { value: 1 },
      })),
      ...(priority > 0 ? { priority } : {}),
    })),
  };
}
