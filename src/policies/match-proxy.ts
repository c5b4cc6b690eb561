/**
 * Which proxies a route or policy configures: its top-level `spec.targetRef` (traffic doc 4.1,
 * Kuma 2.x `DppSelectedByPolicy`), evaluated against one Dataplane:
 * - absent or `Mesh`: every proxy (`proxyTypes`, when given, must include the proxy's type);
 * - `MeshSubset`: every tag is carried by one of the proxy's inbounds (Kuma's tag set);
 * - `MeshService`: by name, proxies with an inbound `kuma.io/service: <name>` or selected by the
 *   local MeshService of that name; by labels, proxies selected by a MeshService with the labels;
 * - `MeshServiceSubset`: an inbound with `kuma.io/service: <name>` and every tag;
 * - `Dataplane`: by name, or by labels on the Dataplane resource.
 * `MeshGateway` and `MeshHTTPRoute` select nothing here: Meshplane configures no gateways, and
 * policies attached to a route are not applied (said in the explain view).
 * A policy that came from a zone (`kuma.io/origin: zone`) applies only to that zone's proxies.
 */
import type { Labels, Resource } from '../core/resource.js';
import { LABEL, SERVICE_TAG } from '../core/well-known-labels.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import { selects, type SelectingService } from '../resources/mesh-service/selection.js';
import type { TargetRef } from '../resources/shared/target-ref.js';
import { hasLabels } from './destination-catalog.js';

type DataplaneResource = Resource<DataplaneSpec>;

export interface ProxyFacts {
  readonly dataplane: DataplaneResource;
  /** The mesh's MeshServices (selection by a MeshService's selector). */
  readonly meshServices: readonly Resource[];
}

function proxyType(dp: DataplaneResource): 'Sidecar' | 'Gateway' {
  return dp.spec.networking?.gateway ? 'Gateway' : 'Sidecar';
}

function tagSet(dp: DataplaneResource): Map<string, Set<string>> {
  const set = new Map<string, Set<string>>();
  for (const inbound of inboundsOf(dp.spec)) {
    for (const [k, v] of Object.entries(inbound.tags ?? {})) set.set(k, (set.get(k) ?? new Set()).add(v));
  }
  return set;
}

function carriesTags(dp: DataplaneResource, tags: Readonly<Record<string, string>>): boolean {
  const set = tagSet(dp);
  return Object.entries(tags).every(([k, v]) => set.get(k)?.has(v) === true);
}

function hasServiceInbound(dp: DataplaneResource, service: string, tags: Readonly<Record<string, string>> = {}): boolean {
  return inboundsOf(dp.spec).some((i) => i.tags?.[SERVICE_TAG] === service && hasLabels(i.tags ?? {}, tags));
}

function sameZone(policyLabels: Labels, dp: DataplaneResource): boolean {
  if (policyLabels[LABEL.origin] !== 'zone') return true;
  const zone = policyLabels[LABEL.zone];
  const dpZone = dp.labels[LABEL.zone];
  return zone === undefined || dpZone === undefined || zone === dpZone;
}

/** Whether the policy (its labels and top-level targetRef) configures this proxy. */
export function selectsProxy(policy: { readonly labels: Labels }, ref: TargetRef | undefined, facts: ProxyFacts): boolean {
  const dp = facts.dataplane;
  if (!sameZone(policy.labels, dp)) return false;
  const kind = ref?.kind ?? 'Mesh';
  const labels = ref?.labels ?? {};
  const byLabels = Object.keys(labels).length > 0;
  switch (kind) {
    case 'Mesh':
      return ref?.proxyTypes === undefined || ref.proxyTypes.includes(proxyType(dp));
    case 'MeshSubset':
      return carriesTags(dp, ref?.tags ?? {}) && (ref?.proxyTypes === undefined || ref.proxyTypes.includes(proxyType(dp)));
    case 'MeshService': {
      const services = facts.meshServices.filter((ms) =>
        byLabels ? hasLabels(ms.labels, labels) : (ms.labels[LABEL.displayName] || ms.name) === ref?.name && ms.labels[LABEL.zone] === dp.labels[LABEL.zone],
      );
      if (services.some((ms) => selects(ms as unknown as SelectingService, dp))) return true;
      return !byLabels && hasServiceInbound(dp, ref?.name ?? '');
    }
    case 'MeshServiceSubset':
      return hasServiceInbound(dp, ref?.name ?? '', ref?.tags ?? {});
    case 'Dataplane':
      return byLabels ? hasLabels(dp.labels, labels) : dp.name === ref?.name;
    default:
      return false;
  }
}
