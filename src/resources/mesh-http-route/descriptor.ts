import { policyDescriptor, ROUTE_COLUMNS } from '../shared/policy-descriptor.js';
import { meshHttpRouteSpecSchema } from './schema.js';
import type { MeshHttpRouteSpec } from './types.js';
import { validateMeshHttpRoute } from './validate.js';

export const meshHttpRouteDescriptor = policyDescriptor<MeshHttpRouteSpec>({
  name: 'MeshHTTPRoute',
  shortName: 'mhttpr',
  singular: 'meshhttproute',
  plural: 'meshhttproutes',
  specSchema: meshHttpRouteSpecSchema,
  validate: validateMeshHttpRoute,
  columns: ROUTE_COLUMNS,
});
