// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshTimeoutDescriptor: KindDescriptor = {
  name: 'MeshTimeout',
  shortName: 'mt',
  scope: 'Mesh',
  plural: 'meshtimeouts',
  cli: { singular: 'meshtimeout', plural: 'meshtimeouts', aliases: ['mt'] },
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
