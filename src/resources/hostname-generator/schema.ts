import { s } from '../../core/schema.js';

const labelSelector = s.object({ matchLabels: s.map() });

export const hostnameGeneratorSpecSchema = s.object({
  selector: s.object({
    meshService: labelSelector,
    meshExternalService: labelSelector,
    meshMultiZoneService: labelSelector,
  }),
  template: s.string(),
  extension: s.object({ type: s.string(), config: s.any() }),
});
