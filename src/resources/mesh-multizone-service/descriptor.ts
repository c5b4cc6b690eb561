// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshMultiZoneServiceDescriptor: KindDescriptor = {
  name: 'MeshMultiZoneService',
  shortName: 'mzsvc',
  scope: 'Mesh',
  plural: 'meshmultizoneservices',
  cli: { singular: 'meshmultizoneservice', plural: 'meshmultizoneservices', aliases: ['mzsvc'] },
  shape: 'spec',
  hasStatus: true,
  isPolicy: false,
  isDestination: true,
  sync: { globalToZones: true, zoneToGlobal: false, zoneToOtherZones: false },
  nameRule: 'dns1035',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
