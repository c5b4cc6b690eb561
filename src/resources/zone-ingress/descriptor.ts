import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { zoneIngressSpecSchema } from './schema.js';
import { endpointOf, type ZoneIngressSpec } from './types.js';
import { validateZoneIngress } from './validate.js';

const specOf = (r: Resource): ZoneIngressSpec => r.spec as ZoneIngressSpec;

export const zoneIngressDescriptor: KindDescriptor<ZoneIngressSpec> = {
  name: 'ZoneIngress',
  shortName: 'zi',
  scope: 'Global',
  plural: 'zoneingresses',
  // kumactl also answers to zone-ingress / zone-ingresses.
  cli: { singular: 'zoneingress', plural: 'zoneingresses', aliases: ['zi', 'zone-ingress', 'zone-ingresses'] },
  shape: 'flat',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  // Kuma: ZoneToGlobalFlag | SyncedAcrossZonesFlag, so other zones learn how to reach this one.
  sync: { globalToZones: false, zoneToGlobal: true, zoneToOtherZones: true },
  nameRule: 'resource',
  specSchema: zoneIngressSpecSchema,
  validate: validateZoneIngress,
  columns: [
    { header: 'ZONE', value: (r) => specOf(r).zone ?? '' },
    { header: 'ADDRESS', value: (r) => endpointOf(specOf(r).networking?.address, specOf(r).networking?.port) },
    {
      header: 'ADVERTISED',
      value: (r) => endpointOf(specOf(r).networking?.advertisedAddress, specOf(r).networking?.advertisedPort),
    },
  ],
};
