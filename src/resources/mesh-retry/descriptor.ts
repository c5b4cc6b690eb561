import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef } from '../shared/target-ref.js';
import { meshRetrySpecSchema } from './schema.js';
import type { MeshRetrySpec } from './types.js';
import { validateMeshRetry } from './validate.js';

const specOf = (r: Resource): MeshRetrySpec => r.spec as MeshRetrySpec;

export const meshRetryDescriptor: KindDescriptor<MeshRetrySpec> = {
  name: 'MeshRetry',
  shortName: 'mr',
  scope: 'Mesh',
  plural: 'meshretries',
  cli: { singular: 'meshretry', plural: 'meshretries', aliases: ['mr'] },
  shape: 'spec',
  // status.conditions: ReferencesResolved (src/policies/reference-status-controller.ts).
  hasStatus: true,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: meshRetrySpecSchema,
  validate: validateMeshRetry,
  columns: [
    { header: 'TARGETREF', value: (r) => describeTargetRef(specOf(r).targetRef) },
    { header: 'TO', value: (r) => (specOf(r).to ?? []).map((e) => describeTargetRef(e.targetRef)).join(',') },
    { header: 'REFERENCES', value: referencesColumn },
  ],
};
