import { policyDescriptor } from '../shared/policy-descriptor.js';
import { meshRetrySpecSchema } from './schema.js';
import type { MeshRetrySpec } from './types.js';
import { validateMeshRetry } from './validate.js';

export const meshRetryDescriptor = policyDescriptor<MeshRetrySpec>({
  name: 'MeshRetry',
  shortName: 'mr',
  singular: 'meshretry',
  plural: 'meshretries',
  specSchema: meshRetrySpecSchema,
  validate: validateMeshRetry,
});
