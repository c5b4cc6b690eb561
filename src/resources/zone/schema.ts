import { s } from '../../core/schema.js';

export const zoneSpecSchema = s.object({ enabled: s.bool({ default: true }) });
