/**
 * What one route or policy refers to that resolves to nothing, field by field, so that nothing
 * is a silent no-op (anchors 3.2 item 9): the top-level targetRef (a MeshService or Dataplane
 * named or labelled that nothing matches), every `to[].targetRef`, every backendRef and mirror
 * backendRef. Remarks say what was picked when a backendRef's labels matched several services.
 * Used at apply time (warnings in the PUT answer) and by the status controller (a condition).
 */
import type { Resource } from '../core/resource.js';
import { SERVICE_TAG } from '../core/well-known-labels.js';
import { type DataplaneSpec, inboundsOf } from '../resources/dataplane/types.js';
import type { HttpRule } from '../resources/mesh-http-route/types.js';
import type { TcpRule } from '../resources/mesh-tcp-route/types.js';
import type { BackendRef, TargetRef } from '../resources/shared/target-ref.js';
import { type DestinationCatalog, hasLabels } from './destination-catalog.js';
import { describeRef, type ProblemCode, resolveBackendRef, resolveTargetRef } from './resolve-ref.js';

export interface ReferenceFinding {
  readonly field: string;
  readonly code: ProblemCode | 'selects-nothing' | 'picked';
  readonly message: string;
  /** The reference named a destination by name (not labels): a port it lacks is a typo, not a wait. */
  readonly byName: boolean;
  /** For `no-port`: the field that named the port (`...sectionName` or `...port`). */
  readonly portField?: string;
}

/** What a report reads of the referring resource. */
export interface ReferringResource {
  readonly mesh: string;
  readonly labels: Resource['labels'];
  readonly spec: unknown;
}

export interface ReferenceReport {
  readonly problems: readonly ReferenceFinding[];
  readonly remarks: readonly ReferenceFinding[];
}

interface Spec {
  readonly targetRef?: TargetRef;
  readonly to?: readonly { readonly targetRef?: TargetRef; readonly rules?: readonly (HttpRule | TcpRule)[] }[];
}

const hasAny = (l: Readonly<Record<string, string>> | undefined): boolean => l !== undefined && Object.keys(l).length > 0;

function topLevelFinding(ref: TargetRef | undefined, catalog: DestinationCatalog, dataplanes: readonly Resource<DataplaneSpec>[]): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.kind === 'MeshHTTPRoute') return `${describeRef(ref)}: Meshplane does not apply policies attached to a route yet, so this configures no proxy`;
  if (ref.kind === 'MeshGateway') return `${describeRef(ref)}: Meshplane configures no gateways, so this configures no proxy`;
  const labels = ref.labels ?? {};
  if (ref.kind === 'Dataplane') {
    const found = hasAny(labels) ? dataplanes.some((dp) => hasLabels(dp.labels, labels)) : dataplanes.some((dp) => dp.name === ref.name);
    return found ? undefined : `${describeRef(ref)} matches no Dataplane, so this configures no proxy`;
  }
  if (ref.kind === 'MeshService') {
    const services = hasAny(labels) ? catalog.labelled('MeshService', labels) : catalog.named('MeshService', ref.name ?? '');
    const tagged = !hasAny(labels) && dataplanes.some((dp) => inboundsOf(dp.spec).some((i) => i.tags?.[SERVICE_TAG] === ref.name));
    return services.length > 0 || tagged ? undefined : `${describeRef(ref)} matches no MeshService and no kuma.io/service, so this configures no proxy`;
  }
  return undefined;
}

/** Every reference of `policy` that resolves to nothing (problems) or to one of several (remarks). */
export function referenceReport(policy: ReferringResource, catalog: DestinationCatalog, dataplanes: readonly Resource<DataplaneSpec>[]): ReferenceReport {
  const problems: ReferenceFinding[] = [];
  const remarks: ReferenceFinding[] = [];
  const spec = (policy.spec ?? {}) as Spec;
  const top = topLevelFinding(spec.targetRef, catalog, dataplanes);
  if (top !== undefined) problems.push({ field: 'spec.targetRef', code: 'selects-nothing', message: top, byName: !hasAny(spec.targetRef?.labels) });
  const backend = (ref: BackendRef | undefined, field: string): void => {
    if (ref === undefined || (ref.weight !== undefined && ref.weight <= 0 && !field.includes('requestMirror'))) return;
    const r = resolveBackendRef(ref, policy, catalog);
    const byName = !hasAny(ref.labels);
    const portField = `${field}.${ref.sectionName ? 'sectionName' : 'port'}`;
    if (!r.ok) problems.push({ field, code: r.code, message: r.reason, byName, ...(r.code === 'no-port' ? { portField } : {}) });
    else if (r.remark !== undefined) remarks.push({ field, code: 'picked', message: r.remark, byName });
  };
  (spec.to ?? []).forEach((to, i) => {
    const at = `spec.to[${i}]`;
    const resolution = resolveTargetRef(to.targetRef, policy, catalog);
    if (resolution.scope === 'destinations' && resolution.problem) {
      const { code, reason } = resolution.problem;
      const portField = `${at}.targetRef.sectionName`;
      problems.push({ field: `${at}.targetRef`, code, message: reason, byName: !hasAny(to.targetRef?.labels), ...(code === 'no-port' ? { portField } : {}) });
    }
    (to.rules ?? []).forEach((rule, j) => {
      const ruleAt = `${at}.rules[${j}].default`;
      (rule.default?.backendRefs ?? []).forEach((ref, k) => backend(ref, `${ruleAt}.backendRefs[${k}]`));
      const filters = 'filters' in (rule.default ?? {}) ? ((rule as HttpRule).default?.filters ?? []) : [];
      filters.forEach((f, k) => backend(f.requestMirror?.backendRef, `${ruleAt}.filters[${k}].requestMirror.backendRef`));
    });
  });
  return { problems, remarks };
}
