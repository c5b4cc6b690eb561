import { s } from '../../core/schema.js';
import { backendRefSchema, mirrorBackendRefSchema, targetRefSchema } from '../shared/target-ref.js';
import { headerMatchSchema } from '../shared/header-match.js';
import { FILTER_TYPES, HTTP_METHODS, PATH_MATCH_TYPES, QUERY_MATCH_TYPES } from './types.js';

const headerKeyValue = s.object({ name: s.string(), value: s.string() }, { required: ['name'] });

const headerModifier = s.object({
  set: s.array(headerKeyValue),
  add: s.array(headerKeyValue),
  remove: s.array(s.string()),
});

const pathRewrite = s.object(
  {
    type: s.string({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
    replaceFullPath: s.string(),
    replacePrefixMatch: s.string(),
  },
  { required: ['type'] },
);

const match = s.object({
  path: s.object({ type: s.string({ enum: PATH_MATCH_TYPES }), value: s.string() }, { required: ['type', 'value'] }),
  method: s.string({ enum: HTTP_METHODS }),
  queryParams: s.array(
    s.object({ type: s.string({ enum: QUERY_MATCH_TYPES }), name: s.string(), value: s.string() }, { required: ['type', 'name'] }),
  ),
  headers: s.array(headerMatchSchema),
});

const filter = s.object(
  {
    type: s.string({ enum: FILTER_TYPES }),
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    requestRedirect: s.object({
      scheme: s.string({ enum: ['http', 'https'] }),
      hostname: s.string(),
      path: pathRewrite,
      port: s.port(),
      // One of 301, 302, 303, 307, 308; checked in validate.ts (the schema has no number enums).
      statusCode: s.int({ default: 302 }),
    }),
    urlRewrite: s.object({ hostname: s.string(), path: pathRewrite, hostToBackendHostname: s.bool() }),
    requestMirror: s.object({ percentage: s.intOrString(), backendRef: mirrorBackendRefSchema }),
  },
  { required: ['type'] },
);

export const meshHttpRouteSpecSchema = s.object({
  targetRef: targetRefSchema,
  to: s.array(
    s.object({
      targetRef: targetRefSchema,
      hostnames: s.array(s.string()),
      rules: s.array(
        s.object({
          matches: s.array(match),
          default: s.object({ filters: s.array(filter), backendRefs: s.array(backendRefSchema) }),
        }),
      ),
    }),
  ),
});
