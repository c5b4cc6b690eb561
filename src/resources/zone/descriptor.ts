// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const zoneDescriptor: KindDescriptor = {
  name: 'Zone',
  shortName: 'z',
  scope: 'Global',
  plural: 'zones',
  cli: { singular: 'zone', plural: 'zones', aliases: [] },
  shape: 'flat',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  sync: { globalToZones: false, zoneToGlobal: false, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
