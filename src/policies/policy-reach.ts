/**
 * Which proxies a change to a route, a policy or a destination can affect, for proxy-sync to
 * regenerate only those:
 * - a route or policy configures only the proxies its top-level targetRef selects (before or after
 *   the change), and a change of its status alone configures nothing;
 * - a MeshService or MeshMultiZoneService matters to every route or policy that may refer to it
 *   (by kind and display name, or by labels; zone and namespace are not checked, so this errs on
 *   the side of regenerating), hence to the proxies those select;
 * - a route or policy whose `to` entries all name Mesh*Services acts on a selected proxy only
 *   through the destinations they may name (policy-index applies such an entry to those
 *   destinations' ports alone; `kuma.io/service` destinations get only `to: Mesh`), so only proxies
 *   that reach one of those need it. `to: Mesh`, a `to` of another kind, a `from` entry or a
 *   top-level targetRef of a kind match-proxy does not select by leaves it un-narrowed.
 */
import { isDeepStrictEqual } from 'node:util';
import { displayName } from '../core/kri.js';
import type { Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import type { BackendRef, TargetRef } from '../resources/shared/target-ref.js';
import { hasLabels } from './destination-catalog.js';
import { selectsProxy } from './match-proxy.js';

interface Spec {
  readonly targetRef?: TargetRef;
  readonly from?: readonly unknown[];
  readonly to?: readonly {
    readonly targetRef?: TargetRef;
    readonly rules?: readonly {
      readonly default?: { readonly backendRefs?: readonly BackendRef[]; readonly filters?: readonly { readonly requestMirror?: { readonly backendRef?: BackendRef } }[] };
    }[];
  }[];
}

/** True when only the status differs: what generation reads is unchanged. */
export function onlyStatusChanged(before: Resource | undefined, after: Resource | undefined): boolean {
  return before !== undefined && after !== undefined && isDeepStrictEqual(before.labels, after.labels) && isDeepStrictEqual(before.spec, after.spec);
}

function refsOf(policy: Resource): TargetRef[] {
  const spec = (policy.spec ?? {}) as Spec;
  const refs: TargetRef[] = spec.targetRef ? [spec.targetRef] : [];
  for (const to of spec.to ?? []) {
    if (to.targetRef) refs.push(to.targetRef);
    for (const rule of to.rules ?? []) {
      refs.push(...(rule.default?.backendRefs ?? []));
      for (const f of rule.default?.filters ?? []) if (f.requestMirror?.backendRef) refs.push(f.requestMirror.backendRef);
    }
  }
  return refs;
}

function mayReferTo(ref: TargetRef, destination: Resource): boolean {
  if (ref.kind !== destination.type) return false;
  const labels = ref.labels ?? {};
  if (Object.keys(labels).length > 0) return hasLabels(destination.labels, labels);
  const name = ref.name ?? '';
  return name === displayName(destination) || /^[^_]+_[^_]+_svc(_\d+)?$/.test(name);
}

/** The routes and policies that may refer to any version of a destination. */
export function policiesReferring(policies: readonly Resource[], destinationVersions: readonly Resource[]): Resource[] {
  return policies.filter((p) => refsOf(p).some((ref) => destinationVersions.some((d) => mayReferTo(ref, d))));
}

/** Whether any version of the policy configures the proxy of `dataplane`. */
export function anySelects(policyVersions: readonly Resource[], dataplane: Resource<DataplaneSpec>, meshServices: readonly Resource[]): boolean {
  return policyVersions.some((p) => selectsProxy(p, (p.spec as Spec | undefined)?.targetRef, { dataplane, meshServices }));
}

const SELECTING_KINDS = new Set(['Mesh', 'MeshSubset', 'MeshService', 'MeshServiceSubset', 'Dataplane']);
const DESTINATION_KINDS = new Set(['MeshService', 'MeshMultiZoneService']);
const COMPAT_NAME = /^([^_]+)_([^_]+)_svc(?:_\d+)?$/;

/**
 * The `to` targetRefs through which alone the route or policy configures a proxy, each naming
 * MeshServices or MeshMultiZoneServices; undefined when its effect cannot be narrowed so.
 */
export function destinationRefsOf(policy: Resource): TargetRef[] | undefined {
  const spec = (policy.spec ?? {}) as Spec;
  if ((spec.from ?? []).length > 0 || !SELECTING_KINDS.has(spec.targetRef?.kind ?? 'Mesh')) return undefined;
  const refs: TargetRef[] = [];
  for (const to of spec.to ?? []) {
    if (to.targetRef === undefined || !DESTINATION_KINDS.has(to.targetRef.kind ?? '')) return undefined;
    refs.push(to.targetRef);
  }
  return refs;
}

/**
 * The display names under which a `to` ref's destinations are found (its name, and the service
 * of Kuma's `<service>_<namespace>_svc` form); undefined when it selects by labels.
 */
export function displayNamesOf(ref: TargetRef): string[] | undefined {
  if (Object.keys(ref.labels ?? {}).length > 0) return undefined;
  const name = ref.name ?? '';
  const compat = COMPAT_NAME.exec(name)?.[1];
  return compat === undefined ? [name] : [name, compat];
}

/** Whether a `to` ref may name this destination (any zone, namespace or section: a superset). */
export function mayName(ref: TargetRef, destination: Resource): boolean {
  if (ref.kind !== destination.type) return false;
  const names = displayNamesOf(ref);
  return names === undefined ? hasLabels(destination.labels, ref.labels ?? {}) : names.includes(displayName(destination));
}

/** Whether selecting proxies by these policies needs the mesh's MeshServices (a MeshService targetRef). */
export function selectsByMeshService(policyVersions: readonly Resource[]): boolean {
  return policyVersions.some((p) => (p.spec as Spec | undefined)?.targetRef?.kind === 'MeshService');
}
