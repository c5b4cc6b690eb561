// STUB: replaced by the kind's real descriptor (schema, validator, columns).
import type { KindDescriptor } from '../../core/descriptor.js';
import { s } from '../../core/schema.js';

export const dataplaneDescriptor: KindDescriptor = {
  name: 'Dataplane',
  shortName: 'dp',
  scope: 'Mesh',
  plural: 'dataplanes',
  cli: { singular: 'dataplane', plural: 'dataplanes', aliases: ['dp'] },
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
