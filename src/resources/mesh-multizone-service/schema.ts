import { s } from '../../core/schema.js';

export const meshMultiZoneServiceSpecSchema = s.object({
  selector: s.object({ meshService: s.object({ matchLabels: s.map() }) }),
  ports: s.array(
    s.object(
      {
        name: s.string(),
        port: s.port(),
        appProtocol: s.string({ default: 'tcp' }),
      },
      { required: ['port'] },
    ),
  ),
});
