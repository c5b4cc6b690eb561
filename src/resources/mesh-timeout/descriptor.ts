import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef } from '../shared/target-ref.js';
import { meshTimeoutSpecSchema } from './schema.js';
import type { MeshTimeoutSpec } from './types.js';
import { validateMeshTimeout } from './validate.js';

const specOf = (r: Resource): MeshTimeoutSpec => r.spec as MeshTimeoutSpec;

export const meshTimeoutDescriptor: KindDescriptor<MeshTimeoutSpec> = {
  name: 'MeshTimeout',
  shortName: 'mt',
  scope: 'Mesh',
  plural: 'meshtimeouts',
  cli: { singular: 'meshtimeout', plural: 'meshtimeouts', aliases: ['mt'] },
  shape: 'spec',
  // status.conditions: ReferencesResolved (src/policies/reference-status-controller.ts).
  hasStatus: true,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: meshTimeoutSpecSchema,
  validate: validateMeshTimeout,
  columns: [
    { header: 'TARGETREF', value: (r) => describeTargetRef(specOf(r).targetRef) },
    { header: 'TO', value: (r) => (specOf(r).to ?? []).map((e) => describeTargetRef(e.targetRef)).join(',') },
    { header: 'REFERENCES', value: referencesColumn },
  ],
};
