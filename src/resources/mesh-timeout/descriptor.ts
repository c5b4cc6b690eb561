import { policyDescriptor } from '../shared/policy-descriptor.js';
import { meshTimeoutSpecSchema } from './schema.js';
import type { MeshTimeoutSpec } from './types.js';
import { validateMeshTimeout } from './validate.js';

export const meshTimeoutDescriptor = policyDescriptor<MeshTimeoutSpec>({
  name: 'MeshTimeout',
  shortName: 'mt',
  singular: 'meshtimeout',
  plural: 'meshtimeouts',
  specSchema: meshTimeoutSpecSchema,
  validate: validateMeshTimeout,
});
