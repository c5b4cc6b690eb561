import { policyDescriptor } from '../shared/policy-descriptor.js';
import { meshCircuitBreakerSpecSchema } from './schema.js';
import type { MeshCircuitBreakerSpec } from './types.js';
import { validateMeshCircuitBreaker } from './validate.js';

export const meshCircuitBreakerDescriptor = policyDescriptor<MeshCircuitBreakerSpec>({
  name: 'MeshCircuitBreaker',
  shortName: 'mcb',
  singular: 'meshcircuitbreaker',
  plural: 'meshcircuitbreakers',
  specSchema: meshCircuitBreakerSpecSchema,
  validate: validateMeshCircuitBreaker,
});
