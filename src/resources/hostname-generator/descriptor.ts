// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const hostnameGeneratorDescriptor: KindDescriptor = {
  name: 'HostnameGenerator',
  shortName: 'hg',
  scope: 'Global',
  plural: 'hostnamegenerators',
  cli: { singular: 'hostnamegenerator', plural: 'hostnamegenerators', aliases: ['hg'] },
  shape: 'spec',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};
