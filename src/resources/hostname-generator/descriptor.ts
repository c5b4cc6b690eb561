import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { hostnameGeneratorSpecSchema } from './schema.js';
import { type HostnameGeneratorSpec, SELECTOR_KINDS, type SelectorKey } from './types.js';
import { validateHostnameGenerator } from './validate.js';

const specOf = (r: Resource): HostnameGeneratorSpec => r.spec as HostnameGeneratorSpec;

/** `meshService(kuma.io/origin=zone)`; `(*)` when matchLabels is empty, so it selects all. */
function describeSelector(spec: HostnameGeneratorSpec): string {
  return (Object.keys(SELECTOR_KINDS) as SelectorKey[])
    .flatMap((k) => {
      const sel = spec.selector?.[k];
      if (sel === undefined) return [];
      const pairs = Object.entries(sel.matchLabels ?? {}).map(([lk, lv]) => `${lk}=${lv}`);
      return [`${k}(${pairs.length > 0 ? pairs.join(',') : '*'})`];
    })
    .join(' ');
}

export const hostnameGeneratorDescriptor: KindDescriptor<HostnameGeneratorSpec> = {
  name: 'HostnameGenerator',
  shortName: 'hg',
  scope: 'Global',
  plural: 'hostnamegenerators',
  cli: { singular: 'hostnamegenerator', plural: 'hostnamegenerators', aliases: ['hg'] },
  shape: 'spec',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  // Kuma: GlobalToZonesFlag | ZoneToGlobalFlag (zone-made ones go to global only).
  sync: { globalToZones: true, zoneToGlobal: true, zoneToOtherZones: false },
  nameRule: 'resource',
  specSchema: hostnameGeneratorSpecSchema,
  validate: validateHostnameGenerator,
  columns: [
    { header: 'TEMPLATE', value: (r) => specOf(r).template ?? '' },
    { header: 'SELECTOR', value: (r) => describeSelector(specOf(r)) },
  ],
};
