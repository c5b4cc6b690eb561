import type { KindDescriptor } from '../../core/descriptor.js';
import { kriOf, sniOf } from '../../core/kri.js';
import type { Resource } from '../../core/resource.js';
import { meshServiceSpecSchema } from './schema.js';
import { type MeshServiceSpec, type MeshServiceStatus, sectionNameOf } from './types.js';
import { meshServiceWarnings, validateMeshService } from './validate.js';

type MeshServiceResource = Resource<MeshServiceSpec, MeshServiceStatus>;

const asMs = (r: Resource): MeshServiceResource => r as MeshServiceResource;

export const meshServiceDescriptor: KindDescriptor<MeshServiceSpec> = {
  name: 'MeshService',
  shortName: 'msvc',
  scope: 'Mesh',
  plural: 'meshservices',
  cli: { singular: 'meshservice', plural: 'meshservices', aliases: ['msvc'] },
  shape: 'spec',
  hasStatus: true,
  isPolicy: false,
  isDestination: true,
  sync: { globalToZones: false, zoneToGlobal: true, zoneToOtherZones: true },
  nameRule: 'dns1035',
  specSchema: meshServiceSpecSchema,
  validate: validateMeshService,
  warnings: meshServiceWarnings,
  emptyStatus: () => ({ tls: {}, dataplaneProxies: {} }),
  computedFields: (r) => {
    const ports = [...(asMs(r).spec.ports ?? [])].sort((a, b) => a.port - b.port);
    return {
      snis: ports.map((p) => ({ port: p.port, sni: sniOf(kriOf('msvc', r, sectionNameOf(p))) })),
    };
  },
  columns: [
    {
      header: 'PORTS',
      value: (r) =>
        (asMs(r).spec.ports ?? [])
          .map((p) => `${p.port}${p.targetPort !== undefined ? `->${p.targetPort}` : ''}/${p.appProtocol}`)
          .join(','),
    },
    { header: 'VIPS', value: (r) => (asMs(r).status?.vips ?? []).map((v) => v.ip).join(',') },
    { header: 'HOSTNAMES', value: (r) => (asMs(r).status?.addresses ?? []).map((a) => a.hostname).join(',') },
    {
      header: 'PROXIES',
      value: (r) => {
        const p = asMs(r).status?.dataplaneProxies ?? {};
        return `${p.connected ?? 0}/${p.healthy ?? 0}/${p.total ?? 0}`;
      },
    },
    { header: 'STATE', value: (r) => asMs(r).spec.state },
  ],
};
