// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshHttpRouteDescriptor: KindDescriptor = {
  name: 'MeshHTTPRoute',
  shortName: 'mhttpr',
  scope: 'Mesh',
  plural: 'meshhttproutes',
  cli: { singular: 'meshhttproute', plural: 'meshhttproutes', aliases: ['mhttpr'] },
  shape: 'spec',
  hasStatus: false,
  isPolicy: true,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
