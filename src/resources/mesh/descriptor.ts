// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshDescriptor: KindDescriptor = {
  name: 'Mesh',
  shortName: 'm',
  scope: 'Global',
  plural: 'meshes',
  cli: { singular: 'mesh', plural: 'meshes', aliases: [] },
  shape: 'flat',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: false, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
