import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef } from '../shared/target-ref.js';
import { meshTcpRouteSpecSchema } from './schema.js';
import type { MeshTcpRouteSpec } from './types.js';
import { validateMeshTcpRoute } from './validate.js';

const specOf = (r: Resource): MeshTcpRouteSpec => r.spec as MeshTcpRouteSpec;

export const meshTcpRouteDescriptor: KindDescriptor<MeshTcpRouteSpec> = {
  name: 'MeshTCPRoute',
  shortName: 'mtcpr',
  scope: 'Mesh',
  plural: 'meshtcproutes',
  cli: { singular: 'meshtcproute', plural: 'meshtcproutes', aliases: ['mtcpr'] },
  shape: 'spec',
  // status.conditions: ReferencesResolved (src/policies/reference-status-controller.ts).
  hasStatus: true,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: meshTcpRouteSpecSchema,
  validate: validateMeshTcpRoute,
  columns: [
    { header: 'TARGETS', value: (r) => (specOf(r).to ?? []).map((to) => describeTargetRef(to.targetRef)).join(',') },
    { header: 'RULES', value: (r) => String((specOf(r).to ?? []).reduce((n, to) => n + (to.rules ?? []).length, 0)) },
    { header: 'REFERENCES', value: referencesColumn },
  ],
};
