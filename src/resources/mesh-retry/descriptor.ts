// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const meshRetryDescriptor: KindDescriptor = {
  name: 'MeshRetry',
  shortName: 'mr',
  scope: 'Mesh',
  plural: 'meshretries',
  cli: { singular: 'meshretry', plural: 'meshretries', aliases: ['mr'] },
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
