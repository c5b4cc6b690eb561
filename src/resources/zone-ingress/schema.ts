import { s } from '../../core/schema.js';

/** Port numbers are range-checked in validate.ts, with Kuma's wording; here only their type. */
export const zoneIngressSpecSchema = s.object({
  zone: s.string(),
  networking: s.object({
    address: s.string(),
    advertisedAddress: s.string(),
    port: s.int(),
    advertisedPort: s.int(),
    admin: s.object({ port: s.int({ min: 0, max: 65535 }) }),
  }),
  availableServices: s.any(),
});
