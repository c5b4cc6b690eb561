/**
 * What the status updater computes for a local MeshService (semantics 8.1): proxy counts,
 * `spec.state`, and a PortsMatched condition that names ports no selected Dataplane can serve
 * (the mistake behind Kuma issue 12042, "Unavailable but reachable", made visible).
 *
 * Differences from Kuma: a proxy is healthy for a port only when a matching inbound is healthy
 * the way endpoints count it (state Ready and no failed health report), so `Available` means
 * "has endpoints". A MeshService with zero ports still counts every selected proxy as healthy (Q6).
 */
import { type Inbound, inboundsOf, isInboundHealthy } from '../dataplane/types.js';
import { sameCondition, withCondition } from './generate.js';
import { type DataplaneResource, inboundMatchesPort, type SelectingService, selects } from './selection.js';
import { type HostnameGeneratorCondition, type MeshServicePort, type MeshServiceSpec, type MeshServiceStatus, sectionNameOf } from './types.js';

export const PORTS_MATCHED = 'PortsMatched';

export interface ComputedMeshServiceStatus {
  readonly dataplaneProxies: { readonly connected: number; readonly healthy: number; readonly total: number };
  readonly state: 'Available' | 'Unavailable';
  /** Absent when no Dataplane is selected: there is nothing to match the ports against. */
  readonly portsMatched?: HostnameGeneratorCondition;
}

type StatusInput = SelectingService & { readonly spec: Pick<MeshServiceSpec, 'selector' | 'ports'> };

/**
 * `dataplanes` may be every Dataplane of the mesh or an already selected subset; the selector is
 * applied either way. `connectedDataplaneNames` are names of Dataplanes in the service's mesh.
 */
export function computeMeshServiceStatus(
  ms: StatusInput,
  dataplanes: Iterable<DataplaneResource>,
  connectedDataplaneNames: { has(name: string): boolean },
): ComputedMeshServiceStatus {
  const ports = ms.spec.ports ?? [];
  let total = 0;
  let healthy = 0;
  let connected = 0;
  const matched = new Set<MeshServicePort>();
  for (const dp of dataplanes) {
    if (!selects(ms, dp)) continue;
    total++;
    if (connectedDataplaneNames.has(dp.name)) connected++;
    const inbounds = inboundsOf(dp.spec);
    let servesEveryPort = true;
    for (const port of ports) {
      const backing = inbounds.filter((i) => inboundMatchesPort(i, port));
      if (backing.length > 0) matched.add(port);
      if (!backing.some((i: Inbound) => isInboundHealthy(i))) servesEveryPort = false;
    }
    if (servesEveryPort) healthy++;
  }
  const unmatched = ports.filter((p) => !matched.has(p));
  return {
    dataplaneProxies: { connected, healthy, total },
    state: healthy > 0 ? 'Available' : 'Unavailable',
    ...(total > 0 ? { portsMatched: portsMatchedCondition(unmatched, total) } : {}),
  };
}

function portsMatchedCondition(unmatched: readonly MeshServicePort[], total: number): HostnameGeneratorCondition {
  if (unmatched.length === 0) {
    return { type: PORTS_MATCHED, status: 'True', reason: 'AllPortsMatched', message: 'every port matches an inbound of the selected Dataplanes' };
  }
  const described = unmatched.map((p) =>
    p.targetPort === undefined ? `${sectionNameOf(p)} (no targetPort)` : `${sectionNameOf(p)} (targetPort ${JSON.stringify(p.targetPort)})`,
  );
  const subject = unmatched.length === 1 ? `port ${described[0]} matches` : `ports ${described.join(', ')} match`;
  const proxies = total === 1 ? 'the selected Dataplane' : `any of the ${total} selected Dataplanes`;
  return { type: PORTS_MATCHED, status: 'False', reason: 'NoMatchingInbound', message: `${subject} no inbound of ${proxies}, so ${unmatched.length === 1 ? 'it gets' : 'they get'} no endpoints` };
}

/**
 * The MeshService with the computed fields put in, or undefined when nothing changes. Only
 * `spec.state`, `status.dataplaneProxies` and the PortsMatched condition are touched.
 */
export function applyMeshServiceStatus<R extends { readonly spec: MeshServiceSpec; readonly status?: MeshServiceStatus }>(
  ms: R,
  computed: ComputedMeshServiceStatus,
): { spec: MeshServiceSpec; status: MeshServiceStatus } | undefined {
  const oldProxies = ms.status?.dataplaneProxies;
  const sameProxies =
    oldProxies !== undefined &&
    (oldProxies.connected ?? 0) === computed.dataplaneProxies.connected &&
    (oldProxies.healthy ?? 0) === computed.dataplaneProxies.healthy &&
    (oldProxies.total ?? 0) === computed.dataplaneProxies.total;
  const oldCondition = ms.status?.conditions?.find((c) => c.type === PORTS_MATCHED);
  if (sameProxies && ms.spec.state === computed.state && sameCondition(oldCondition, computed.portsMatched)) return undefined;
  const status: MeshServiceStatus = {
    ...withCondition(ms.status, PORTS_MATCHED, computed.portsMatched),
    dataplaneProxies: computed.dataplaneProxies,
  };
  const spec: MeshServiceSpec = { ...ms.spec, state: computed.state };
  return { spec, status };
}
