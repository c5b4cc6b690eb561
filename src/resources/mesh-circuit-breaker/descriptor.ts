import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef } from '../shared/target-ref.js';
import { meshCircuitBreakerSpecSchema } from './schema.js';
import type { MeshCircuitBreakerSpec } from './types.js';
import { validateMeshCircuitBreaker } from './validate.js';

const specOf = (r: Resource): MeshCircuitBreakerSpec => r.spec as MeshCircuitBreakerSpec;

export const meshCircuitBreakerDescriptor: KindDescriptor<MeshCircuitBreakerSpec> = {
  name: 'MeshCircuitBreaker',
  shortName: 'mcb',
  scope: 'Mesh',
  plural: 'meshcircuitbreakers',
  cli: { singular: 'meshcircuitbreaker', plural: 'meshcircuitbreakers', aliases: ['mcb'] },
  shape: 'spec',
  // status.conditions: ReferencesResolved (src/policies/reference-status-controller.ts).
  hasStatus: true,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: meshCircuitBreakerSpecSchema,
  validate: validateMeshCircuitBreaker,
  columns: [
    { header: 'TARGETREF', value: (r) => describeTargetRef(specOf(r).targetRef) },
    { header: 'TO', value: (r) => (specOf(r).to ?? []).map((e) => describeTargetRef(e.targetRef)).join(',') },
    { header: 'REFERENCES', value: referencesColumn },
  ],
};
