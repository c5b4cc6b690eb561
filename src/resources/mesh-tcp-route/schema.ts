import { s } from '../../core/schema.js';
import { backendRefSchema, targetRefSchema } from '../shared/target-ref.js';

export const meshTcpRouteSpecSchema = s.object({
  targetRef: targetRefSchema,
  to: s.array(
    s.object({
      targetRef: targetRefSchema,
      rules: s.array(s.object({ default: s.object({ backendRefs: s.array(backendRefSchema) }) })),
    }),
  ),
});
