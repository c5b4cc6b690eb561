/** MeshService rules beyond the schema (Kuma 2.x, with the stricter checks Meshplane adds). */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { checkUniquePorts, portNameWarnings } from '../shared/service-ports.js';
import { APP_PROTOCOLS, type MeshServiceSpec } from './types.js';

const SELECTORS = ['dataplaneTags', 'dataplaneRef', 'dataplaneLabels'] as const;

export function validateMeshService(input: ValidationInput<MeshServiceSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const selector = input.spec.selector;
  if (selector) {
    const set = SELECTORS.filter((k) => selector[k] !== undefined);
    if (set.length > 1) out.at(spec.field('selector'), 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels');
    if (selector.dataplaneRef && !selector.dataplaneRef.name) {
      out.at(spec.field('selector').field('dataplaneRef').field('name'), msg.required);
    }
  }
  const ports = input.spec.ports ?? [];
  ports.forEach((p, i) => {
    const at = spec.field('ports').index(i);
    if (p.appProtocol !== '' && !(APP_PROTOCOLS as readonly string[]).includes(p.appProtocol.toLowerCase())) {
      out.at(at.field('appProtocol'), `appProtocol must be one of: ${APP_PROTOCOLS.join(', ')}`);
    }
    if (p.name === '') out.at(at.field('name'), msg.notEmpty);
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) {
      out.at(at.field('targetPort'), `${msg.portRange}; got ${p.targetPort}`);
    }
    if (p.targetPort === '') out.at(at.field('targetPort'), 'must be a port number or the name of a Dataplane inbound');
  });
  checkUniquePorts(ports, spec.field('ports'), out);
  (input.spec.identities ?? []).forEach((id, i) => {
    if (id.value === '') out.at(spec.field('identities').index(i).field('value'), msg.notEmpty);
  });
  return out.items;
}

export function meshServiceWarnings(input: ValidationInput<MeshServiceSpec>): string[] {
  const warnings: string[] = [];
  const selector = input.spec.selector;
  if (!selector || SELECTORS.every((k) => selector[k] === undefined)) {
    warnings.push(
      `MeshService resource '${input.name}' has no selector, so it matches no data plane proxies. Set 'spec.selector.dataplaneTags', 'spec.selector.dataplaneRef' or 'spec.selector.dataplaneLabels'.`,
    );
  }
  return [...warnings, ...portNameWarnings('MeshService', input.spec.ports ?? [])];
}
