import { s } from '../../core/schema.js';
import { targetRefSchema } from '../shared/target-ref.js';

const conf = s.object({
  connectionTimeout: s.duration(),
  idleTimeout: s.duration(),
  http: s.object({
    requestTimeout: s.duration(),
    streamIdleTimeout: s.duration(),
    maxStreamDuration: s.duration(),
    maxConnectionDuration: s.duration(),
    requestHeadersTimeout: s.duration(),
  }),
});

const entry = s.object({ targetRef: targetRefSchema, default: conf });

export const meshTimeoutSpecSchema = s.object({
  targetRef: targetRefSchema,
  to: s.array(entry),
  from: s.array(entry),
});
