import { policyDescriptor, ROUTE_COLUMNS } from '../shared/policy-descriptor.js';
import { meshTcpRouteSpecSchema } from './schema.js';
import type { MeshTcpRouteSpec } from './types.js';
import { validateMeshTcpRoute } from './validate.js';

export const meshTcpRouteDescriptor = policyDescriptor<MeshTcpRouteSpec>({
  name: 'MeshTCPRoute',
  shortName: 'mtcpr',
  singular: 'meshtcproute',
  plural: 'meshtcproutes',
  specSchema: meshTcpRouteSpecSchema,
  validate: validateMeshTcpRoute,
  columns: ROUTE_COLUMNS,
});
