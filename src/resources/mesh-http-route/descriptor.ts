import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { referencesColumn } from '../../policies/reference-condition.js';
import { describeTargetRef } from '../shared/target-ref.js';
import { meshHttpRouteSpecSchema } from './schema.js';
import type { MeshHttpRouteSpec } from './types.js';
import { validateMeshHttpRoute } from './validate.js';

const specOf = (r: Resource): MeshHttpRouteSpec => r.spec as MeshHttpRouteSpec;

export const meshHttpRouteDescriptor: KindDescriptor<MeshHttpRouteSpec> = {
  name: 'MeshHTTPRoute',
  shortName: 'mhttpr',
  scope: 'Mesh',
  plural: 'meshhttproutes',
  cli: { singular: 'meshhttproute', plural: 'meshhttproutes', aliases: ['mhttpr'] },
  shape: 'spec',
  // status.conditions: ReferencesResolved (src/policies/reference-status-controller.ts).
  hasStatus: true,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: meshHttpRouteSpecSchema,
  validate: validateMeshHttpRoute,
  columns: [
    { header: 'TARGETS', value: (r) => (specOf(r).to ?? []).map((to) => describeTargetRef(to.targetRef)).join(',') },
    { header: 'RULES', value: (r) => String((specOf(r).to ?? []).reduce((n, to) => n + (to.rules ?? []).length, 0)) },
    { header: 'REFERENCES', value: referencesColumn },
  ],
};
