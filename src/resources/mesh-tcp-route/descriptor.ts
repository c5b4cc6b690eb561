// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshTcpRouteDescriptor: KindDescriptor = {
  name: 'MeshTCPRoute',
  shortName: 'mtcpr',
  scope: 'Mesh',
  plural: 'meshtcproutes',
  cli: { singular: 'meshtcproute', plural: 'meshtcproutes', aliases: ['mtcpr'] },
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
