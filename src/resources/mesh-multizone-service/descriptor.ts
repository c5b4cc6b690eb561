import type { KindDescriptor } from '../../core/descriptor.js';
import { kriOf, sniOf } from '../../core/kri.js';
import type { Resource } from '../../core/resource.js';
import { sectionNameOf } from '../mesh-service/types.js';
import { meshMultiZoneServiceSpecSchema } from './schema.js';
import { type MeshMultiZoneServiceSpec, type MeshMultiZoneServiceStatus, selectorLabelsOf } from './types.js';
import { meshMultiZoneServiceWarnings, validateMeshMultiZoneService } from './validate.js';

type MzsResource = Resource<MeshMultiZoneServiceSpec, MeshMultiZoneServiceStatus>;
const asMzs = (r: Resource): MzsResource => r as MzsResource;
const SHORT = 'mzsvc';

export const meshMultiZoneServiceDescriptor: KindDescriptor<MeshMultiZoneServiceSpec> = {
  name: 'MeshMultiZoneService',
  shortName: SHORT,
  scope: 'Mesh',
  plural: 'meshmultizoneservices',
  cli: { singular: 'meshmultizoneservice', plural: 'meshmultizoneservices', aliases: [SHORT] },
  shape: 'spec',
  hasStatus: true,
  isPolicy: false,
  isDestination: true,
  sync: { globalToZones: true, zoneToGlobal: false, zoneToOtherZones: false },
  nameRule: 'dns1035',
  specSchema: meshMultiZoneServiceSpecSchema,
  validate: validateMeshMultiZoneService,
  warnings: meshMultiZoneServiceWarnings,
  // Kuma shows `status: {}` until a zone writes one.
  emptyStatus: () => ({}),
  computedFields: (r) => {
    const ports = [...(asMzs(r).spec.ports ?? [])].sort((a, b) => a.port - b.port);
    return {
      snis: ports.map((p) => ({ port: p.port, sni: sniOf(kriOf(SHORT, r, sectionNameOf(p))) })),
    };
  },
  columns: [
    {
      header: 'PORTS',
      value: (r) => (asMzs(r).spec.ports ?? []).map((p) => `${p.name ? `${p.name}:` : ''}${p.port}/${p.appProtocol}`).join(','),
    },
    {
      header: 'SELECTOR',
      value: (r) => Object.entries(selectorLabelsOf(asMzs(r).spec)).map(([k, v]) => `${k}=${v}`).join(','),
    },
    { header: 'VIPS', value: (r) => (asMzs(r).status?.vips ?? []).map((v) => v.ip).join(',') },
    { header: 'HOSTNAMES', value: (r) => (asMzs(r).status?.addresses ?? []).map((a) => a.hostname).join(',') },
    { header: 'MATCHED', value: (r) => String(asMzs(r).status?.meshServices?.length ?? 0) },
  ],
};
