/**
 * MeshMultiZoneService rules (semantics 6.2) plus ours: unique port numbers and names. The
 * appProtocol check ignores case, as MeshService's does (Kuma's is case-sensitive here: quirk Q8).
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { APP_PROTOCOLS } from '../mesh-service/types.js';
import { checkUniquePorts, portNameWarnings } from '../shared/service-ports.js';
import { type MeshMultiZoneServiceSpec, selectorLabelsOf } from './types.js';

const PROTOCOLS: readonly string[] = APP_PROTOCOLS;

export function validateMeshMultiZoneService(input: ValidationInput<MeshMultiZoneServiceSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  if (Object.keys(selectorLabelsOf(input.spec)).length === 0) {
    out.at(spec.field('selector').field('meshService').field('matchLabels'), msg.cannotBeEmpty);
  }
  const ports = input.spec.ports ?? [];
  if (ports.length === 0) out.at(spec.field('ports'), msg.cannotBeEmpty);
  ports.forEach((p, i) => {
    const at = spec.field('ports').index(i);
    if (p.name === '') out.at(at.field('name'), msg.notEmpty);
    if (!PROTOCOLS.includes(p.appProtocol.toLowerCase())) {
      out.at(at.field('appProtocol'), `appProtocol must be one of: ${PROTOCOLS.join(', ')}`);
    }
  });
  checkUniquePorts(ports, spec.field('ports'), out);
  return out.items;
}

export function meshMultiZoneServiceWarnings(input: ValidationInput<MeshMultiZoneServiceSpec>): string[] {
  return portNameWarnings('MeshMultiZoneService', input.spec.ports ?? []);
}
