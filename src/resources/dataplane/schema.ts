import { s } from '../../core/schema.js';
import { GATEWAY_TYPES, INBOUND_STATES } from './types.js';

/** Port numbers are range-checked in validate.ts, with Kuma's wording; here only their type. */
const redirectPort = s.int({ min: 0, max: 65535 });

const reachableBackendRef = s.object({
  kind: s.string(),
  name: s.string(),
  namespace: s.string(),
  port: s.int(),
  labels: s.map(),
});

export const dataplaneSpecSchema = s.object(
  {
    networking: s.object({
      address: s.string(),
      advertisedAddress: s.string(),
      inbound: s.array(
        s.object({
          port: s.int(),
          servicePort: s.int(),
          serviceAddress: s.string(),
          address: s.string(),
          name: s.string(),
          tags: s.map(),
          health: s.object({ ready: s.bool() }),
          state: s.string({ enum: INBOUND_STATES, numericEnum: true }),
          protocol: s.string(),
          serviceProbe: s.any(),
        }),
      ),
      outbound: s.array(
        s.object({
          port: s.int(),
          address: s.string(),
          tags: s.map(),
          backendRef: s.object({ kind: s.string(), name: s.string(), port: s.int(), labels: s.map() }),
        }),
      ),
      gateway: s.object({ tags: s.map(), type: s.string({ enum: GATEWAY_TYPES, numericEnum: true }) }),
      admin: s.object({ port: s.int({ min: 0, max: 65535 }) }),
      transparentProxying: s.object({
        redirectPortInbound: redirectPort,
        redirectPortOutbound: redirectPort,
        reachableServices: s.array(s.string()),
        reachableBackends: s.object({ refs: s.array(reachableBackendRef) }),
        directAccessServices: s.array(s.string()),
        ipFamilyMode: s.string({ enum: ['UnSpecified', 'DualStack', 'IPv4', 'IPv6'], numericEnum: true }),
      }),
    }),
    metrics: s.any(),
    probes: s.any(),
  },
  { required: ['networking'] },
);
