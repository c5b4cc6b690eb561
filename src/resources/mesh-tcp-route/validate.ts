/** MeshTCPRoute rules beyond the schema: Kuma 2.x, plus the stricter checks Meshplane adds. */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { type TargetRefKind, validateBackendRefs, validateTargetRef } from '../shared/target-ref.js';
import type { MeshTcpRouteSpec } from './types.js';

/** Kuma's list for system-role routes; every route on a Universal zone has that role. */
const TOP_LEVEL_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshSubset', 'MeshGateway', 'MeshService', 'MeshServiceSubset', 'Dataplane'];
const TO_KINDS: readonly TargetRefKind[] = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'];
const GATEWAY_TO_KINDS: readonly TargetRefKind[] = ['Mesh'];
const BACKEND_REF_KINDS: readonly TargetRefKind[] = ['MeshService', 'MeshServiceSubset', 'MeshExternalService', 'MeshMultiZoneService'];

export function validateMeshTcpRoute(input: ValidationInput<MeshTcpRouteSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const { targetRef } = input.spec;
  if (targetRef) out.addAll(validateTargetRef(targetRef, spec.field('targetRef'), { allowedKinds: TOP_LEVEL_KINDS, position: 'top-level' }));
  const allowedKinds = targetRef?.kind === 'MeshGateway' ? GATEWAY_TO_KINDS : TO_KINDS;
  (input.spec.to ?? []).forEach((to, i) => {
    const at = spec.field('to').index(i);
    out.addAll(validateTargetRef(to.targetRef, at.field('targetRef'), { allowedKinds, position: 'to' }));
    const rules = to.rules ?? [];
    // Kuma enforces this only through its Kubernetes CRD (MaxItems=1); Universal accepted any number.
    if (rules.length > 1) out.at(at.field('rules'), `must have at most 1 rule; got ${rules.length}`);
    rules.forEach((rule, j) => {
      const refsAt = at.field('rules').index(j).field('default').field('backendRefs');
      const refs = rule.default?.backendRefs ?? [];
      if (refs.length === 0) out.at(refsAt, msg.required);
      else out.addAll(validateBackendRefs(refs, refsAt, BACKEND_REF_KINDS));
    });
  });
  return out.items;
}
