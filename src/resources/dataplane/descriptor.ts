import type { KindDescriptor } from '../../core/descriptor.js';
import type { Resource } from '../../core/resource.js';
import { SERVICE_TAG } from '../../core/well-known-labels.js';
import { dataplaneSpecSchema } from './schema.js';
import { type DataplaneSpec, inboundsOf, serviceTagsOf } from './types.js';
import { validateDataplane } from './validate.js';

const specOf = (r: Resource): DataplaneSpec => r.spec as DataplaneSpec;
const TAGS_WIDTH = 60;

/** kuma.io/service values of the inbounds, or of the gateway. */
function servicesColumn(spec: DataplaneSpec): string {
  const gateway = spec.networking?.gateway?.tags?.[SERVICE_TAG];
  return [...serviceTagsOf(spec), ...(gateway ? [gateway] : [])].join(',');
}

/** The other tags, `key=value` once each, sorted, cut to a table-friendly width. */
function tagsColumn(spec: DataplaneSpec): string {
  const maps = [...inboundsOf(spec).map((i) => i.tags ?? {}), spec.networking?.gateway?.tags ?? {}];
  const pairs = new Set(maps.flatMap((m) => Object.entries(m).filter(([k]) => k !== SERVICE_TAG).map(([k, v]) => `${k}=${v}`)));
  const text = [...pairs].sort().join(' ');
  return text.length > TAGS_WIDTH ? `${text.slice(0, TAGS_WIDTH - 3)}...` : text;
}

export const dataplaneDescriptor: KindDescriptor<DataplaneSpec> = {
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
  specSchema: dataplaneSpecSchema,
  validate: validateDataplane,
  columns: [
    { header: 'ADDRESS', value: (r) => specOf(r).networking?.address ?? '' },
    { header: 'SERVICES', value: (r) => servicesColumn(specOf(r)) },
    { header: 'TAGS', value: (r) => tagsColumn(specOf(r)) },
  ],
};
