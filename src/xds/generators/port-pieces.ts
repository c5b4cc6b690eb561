/**
 * What one destination port gives a proxy, shared by every proxy of the mesh that asks with the
 * same inputs: the port's plan, its clusters, and (outbound.ts, proxyless.ts) its listeners and
 * route configuration. Each is memoized per MeshContext under a key naming every input it is built
 * from, so N proxies reaching one port with the same routes and policies get the same objects
 * (the snapshot encodes them once); listener and route resources carry a content key, so equal
 * ones built under another MeshContext share one encoding as well.
 * The inputs, all in the keys: the destination (key, port number, section name, appProtocol), the
 * client kind, the routes and policies that apply to the port (each by source and position in
 * `spec.to`, in merge order; within one MeshContext that names its conf), for every backend a
 * route sends to the MeshTimeout and MeshCircuitBreaker entries of that backend's port; the
 * listener pieces add the VIPs or listener names and a sidecar's bindToPort. The notes travel with
 * the pieces, so each proxy gets exactly the notes it would get alone.
 */
import { destinationId } from '../../policies/destination-catalog.js';
import type { ProxyPolicies, ToEntry } from '../../policies/policy-index.js';
import { type MeshContext, type ProxyContext, shared } from '../proxy-context.js';
import { contentKeyed, type ResourceInput } from '../snapshot.js';
import type { Destination, DestinationPort } from './destinations.js';
import type { Generated, GenerationNote } from './generated.js';
import { type PlanClusters, planClusters, planSplits } from './plan-clusters.js';
import type { PolicySet } from './proxy-policies.js';
import { destinationIdOf, type PortEntries, portEntriesOf, type PortPlan, planPortWith } from './port-plan.js';

export interface SharedPlan {
  readonly plan: PortPlan;
  /** Names every input of the plan; the listener pieces extend it. */
  readonly key: string;
}

const SEP = '\u0000';

function entryNames(entries: readonly ToEntry[]): string {
  return entries.map((e) => `${e.source}#${e.index}`).join(',');
}

function entriesKey(e: PortEntries): string {
  return [e.timeout, e.retry, e.circuitBreaker, e.http, e.tcp].map(entryNames).join('|');
}

/** The plan of one destination port for this proxy, shared with every proxy whose inputs are equal. */
export function sharedPortPlan(ctx: ProxyContext, policies: ProxyPolicies, d: Destination, port: DestinationPort): SharedPlan {
  const entries = portEntriesOf(policies, destinationIdOf(d), port.sectionName);
  const key = [ctx.client.proxyless ? 'grpc' : 'envoy', d.key, port.port, port.sectionName, port.appProtocol, entriesKey(entries)].join(SEP);
  const plan = shared(ctx.meshContext, `port-plan${SEP}${key}`, () => planPortWith(ctx.meshContext, ctx.client, d, port, entries));
  return { plan, key };
}

/** The plan's clusters (its own, its backends', the unresolved one), shared like the plan. */
export function sharedPlanClusters(ctx: ProxyContext, policies: ProxyPolicies, planned: SharedPlan): PlanClusters {
  const backends = new Set<string>();
  for (const item of planSplits(planned.plan)) {
    if (item.target.kind !== 'backend') continue;
    const { entry, port } = item.target;
    const id = destinationId(entry.kind, entry.resource.name);
    const timeouts = entryNames(policies.forPort('MeshTimeout', id, port.sectionName));
    const breakers = entryNames(policies.forPort('MeshCircuitBreaker', id, port.sectionName));
    backends.add([id, port.port, port.sectionName, port.appProtocol, timeouts, breakers].join('|'));
  }
  return shared(ctx.meshContext, `plan-clusters${SEP}${planned.key}${SEP}${[...backends].join(SEP)}`, () => planClusters(ctx, policies, planned.plan));
}

/** A listener piece (listeners and route configuration, with the plan's notes after their own), built once per key. */
export function sharedListenerPiece(mesh: MeshContext, key: string, plan: PortPlan, build: () => Generated): Generated {
  return shared(mesh, key, () => {
    const built = build();
    return { resources: built.resources.map((r) => contentKeyed(r.typeUrl, r.resource)), notes: [...built.notes, ...plan.notes] };
  });
}

/** What one destination port gave a proxy: its listener piece and its clusters. */
export interface PortResult {
  readonly piece: Generated;
  readonly clusters: PlanClusters;
}

/**
 * What each destination port gave the proxies of one policy set and listener variant (client kind,
 * bindToPort), by destination port and VIPs or listener names: a proxy whose set was seen before
 * skips even computing the keys above. Equal sets have equal per-port entries, so this only
 * shortcuts the finer keys, which still share pieces between different sets.
 */
export function portResultsOf(mesh: MeshContext, variant: string, set: PolicySet): Map<string, PortResult> {
  return shared(mesh, `port-results${SEP}${variant}${SEP}${set.id}`, () => new Map<string, PortResult>());
}

export function portResultKey(d: Destination, port: DestinationPort, addresses: readonly string[]): string {
  return `${d.key}${SEP}${port.port}${SEP}${port.sectionName}${SEP}${port.appProtocol}${SEP}${addresses.length === 1 ? addresses[0] : addresses.join(',')}`;
}

/** A proxy's outbound pieces gathered in order (pushed, not re-copied per port), and the backends its routes send to. */
export class PieceCollector {
  readonly resources: ResourceInput[] = [];
  readonly notes: GenerationNote[] = [];
  private readonly backends = new Set<string>();

  add(piece: Generated): void {
    for (const r of piece.resources) this.resources.push(r);
    for (const n of piece.notes) this.notes.push(n);
  }

  addClusters(clusters: PlanClusters): void {
    this.add(clusters.generated);
    for (const k of clusters.backendKeys) this.backends.add(k);
  }

  get backendKeys(): string[] {
    return [...this.backends];
  }
}
