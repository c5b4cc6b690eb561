import type { KindDescriptor } from '../../core/descriptor.js';
import { meshSpecSchema } from './schema.js';
import { type MeshSpec, meshServicesModeOf } from './types.js';
import { validateMesh } from './validate.js';

export const meshDescriptor: KindDescriptor<MeshSpec> = {
  name: 'Mesh',
  shortName: 'm',
  scope: 'Global',
  plural: 'meshes',
  cli: { singular: 'mesh', plural: 'meshes', aliases: [] },
  shape: 'flat',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  // Kuma: GlobalToZonesFlag, and SkipKDSHash: a Mesh is `default` in every zone, never hashed.
  sync: { globalToZones: true, zoneToGlobal: false, zoneToOtherZones: false, keepName: true },
  nameRule: 'resource',
  specSchema: meshSpecSchema,
  validate: validateMesh,
  columns: [{ header: 'MESHSERVICES', value: (r) => meshServicesModeOf(r.spec as MeshSpec) }],
};
