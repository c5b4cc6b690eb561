import { s } from '../../core/schema.js';
import { headerMatchSchema } from '../shared/header-match.js';
import { targetRefSchema } from '../shared/target-ref.js';

const uint32 = s.int({ min: 0, max: 4294967295 });

const backOff = s.object({ baseInterval: s.duration(), maxInterval: s.duration() });

const rateLimitedBackOff = s.object({
  resetHeaders: s.array(s.object({ name: s.string(), format: s.string({ enum: ['Seconds', 'UnixTimestamp'] }) })),
  maxInterval: s.duration(),
});

/** Items may be names or status codes; YAML writes `- 503` as a number. Checked in validate.ts. */
const retryOn = s.array(s.intOrString());

export const meshRetrySpecSchema = s.object({
  targetRef: targetRefSchema,
  to: s.array(
    s.object({
      targetRef: targetRefSchema,
      default: s.object({
        tcp: s.object({ maxConnectAttempt: uint32 }),
        http: s.object({
          numRetries: uint32,
          perTryTimeout: s.duration(),
          backOff,
          rateLimitedBackOff,
          retryOn,
          retriableResponseHeaders: s.array(headerMatchSchema),
          retriableRequestHeaders: s.array(headerMatchSchema),
          hostSelection: s.array(s.object({ predicate: s.string(), tags: s.map(), updateFrequency: s.int({ default: 2 }) })),
          hostSelectionMaxAttempts: s.int(),
        }),
        grpc: s.object({ numRetries: uint32, perTryTimeout: s.duration(), backOff, rateLimitedBackOff, retryOn }),
      }),
    }),
  ),
});
