import type { KindDescriptor } from '../../core/descriptor.js';
import { zoneSpecSchema } from './schema.js';
import { isZoneEnabled, type ZoneSpec } from './types.js';
import { validateZone } from './validate.js';

export const zoneDescriptor: KindDescriptor<ZoneSpec> = {
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
  specSchema: zoneSpecSchema,
  validate: validateZone,
  columns: [{ header: 'ENABLED', value: (r) => String(isZoneEnabled(r.spec as ZoneSpec)) }],
};
