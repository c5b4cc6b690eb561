// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const zoneIngressDescriptor: KindDescriptor = {
  name: 'ZoneIngress',
  shortName: 'zi',
  scope: 'Global',
  plural: 'zoneingresses',
  cli: { singular: 'zoneingress', plural: 'zoneingresses', aliases: ['zi'] },
  shape: 'flat',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  sync: { globalToZones: false, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
