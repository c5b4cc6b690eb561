import { s } from '../../core/schema.js';

export const meshServiceSpecSchema = s.object({
  state: s.string({ enum: ['Available', 'Unavailable'], default: 'Unavailable' }),
  selector: s.object({
    dataplaneTags: s.map(),
    dataplaneRef: s.object({ name: s.string() }),
    dataplaneLabels: s.object({ matchLabels: s.map() }),
  }),
  ports: s.array(
    s.object(
      {
        name: s.string(),
        port: s.port(),
        targetPort: s.intOrString(),
        appProtocol: s.string({ default: 'tcp' }),
      },
      { required: ['port'] },
    ),
  ),
  identities: s.array(
    s.object({ type: s.string({ enum: ['ServiceTag', 'SpiffeID'] }), value: s.string() }, { required: ['type', 'value'] }),
  ),
});
