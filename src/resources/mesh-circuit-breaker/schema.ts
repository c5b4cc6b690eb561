import { s } from '../../core/schema.js';
import { targetRefSchema } from '../shared/target-ref.js';

/** Kuma's fields are uint32; "greater than 0" and percentage ranges are checked in validate.ts. */
const uint32 = s.int({ min: 0, max: 4294967295 });
const consecutive = s.object({ consecutive: uint32 });

const conf = s.object({
  connectionLimits: s.object({
    maxConnections: uint32,
    maxConnectionPools: uint32,
    maxPendingRequests: uint32,
    maxRetries: uint32,
    maxRequests: uint32,
  }),
  outlierDetection: s.object({
    disabled: s.bool(),
    interval: s.duration(),
    baseEjectionTime: s.duration(),
    maxEjectionPercent: uint32,
    splitExternalAndLocalErrors: s.bool(),
    detectors: s.object({
      totalFailures: consecutive,
      gatewayFailures: consecutive,
      localOriginFailures: consecutive,
      // standardDeviationFactor: an int or a decimal string, as Kuma's IntOrString.
      successRate: s.object({ minimumHosts: uint32, requestVolume: uint32, standardDeviationFactor: s.intOrString() }),
      failurePercentage: s.object({ minimumHosts: uint32, requestVolume: uint32, threshold: uint32 }),
    }),
    healthyPanicThreshold: s.intOrString(),
  }),
});

const entry = s.object({ targetRef: targetRefSchema, default: conf });

export const meshCircuitBreakerSpecSchema = s.object({
  targetRef: targetRefSchema,
  to: s.array(entry),
  from: s.array(entry),
});
