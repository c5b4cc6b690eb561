import { s } from '../../core/schema.js';
import { MESH_SERVICES_MODES } from './types.js';

export const meshSpecSchema = s.object({
  meshServices: s.object({ mode: s.string({ enum: MESH_SERVICES_MODES, numericEnum: true }) }),
  mtls: s.any(),
  networking: s.any(),
  routing: s.any(),
  tracing: s.any(),
  logging: s.any(),
  metrics: s.any(),
  constraints: s.any(),
  skipCreatingInitialPolicies: s.any(),
});
