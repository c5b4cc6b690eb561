import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { meshTimeoutDescriptor } from './descriptor.js';
import { durationMs } from '../../core/duration.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(specYaml: string): Violation[] {
  try {
    admit({ kind: meshTimeoutDescriptor, name: 'timeout-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });
const ROUTE_LEVEL = "can't be specified when top-level TargetRef is referencing MeshHTTPRoute";

describe('MeshTimeout validation', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'neither to nor from (Kuma 2.9 wording: Meshplane has no inbound rules section)',
      spec: 'targetRef: {kind: Mesh}',
      expected: [v('spec', "at least one of 'from', 'to' has to be defined")],
    },
    {
      title: 'unsupported kinds in from and to',
      spec: `
targetRef: {kind: MeshService, name: web-frontend}
from: [{targetRef: {kind: MeshGatewayRoute}, default: {http: {requestTimeout: 1s}}}]
to: [{targetRef: {kind: MeshServiceSubset}, default: {http: {requestTimeout: 1s}}}]`,
      expected: [
        v('spec.from[0].targetRef.kind', "value 'MeshGatewayRoute' is not supported"),
        v('spec.to[0].targetRef.kind', "value 'MeshServiceSubset' is not supported"),
      ],
    },
    {
      title: 'a Dataplane section on an outbound-only policy',
      spec: `
targetRef: {kind: Dataplane, sectionName: test}
to: [{targetRef: {kind: MeshService, name: web-backend}, default: {http: {requestTimeout: 1s}}}]`,
      expected: [v('spec.targetRef.sectionName', 'can only be used with inbound policies')],
    },
    {
      title: 'nothing configured, an empty http section, a zero connect timeout',
      spec: `
to:
- targetRef: {kind: MeshService, name: web-backend}
- targetRef: {kind: MeshService, name: web-backend-2}
  default: {connectionTimeout: 0s, http: {}}`,
      expected: [
        v('spec.to[0].default', 'at least one timeout should be configured'),
        v('spec.to[1].default.connectionTimeout', 'must be greater than zero when defined'),
        v('spec.to[1].default.http', 'at least one timeout in this section should be configured'),
      ],
    },
    {
      title: 'negative durations are refused by the schema',
      spec: 'to: [{targetRef: {kind: MeshService, name: web-backend}, default: {idleTimeout: -1s}}]',
      expected: [v('spec.to[0].default.idleTimeout', 'must be a duration such as "10s", "1m30s" or "250ms"; got "-1s"')],
    },
    {
      title: 'MeshHTTPRoute target has no sectionName',
      spec: 'to: [{targetRef: {kind: MeshHTTPRoute, name: http-route-1, sectionName: some-section}, default: {http: {requestTimeout: 1s}}}]',
      expected: [v('spec.to[0].targetRef.sectionName', 'must not be set with kind MeshHTTPRoute')],
    },
    {
      title: 'a MeshHTTPRoute-level policy: no from, no service targets, no connection-level timeouts',
      spec: `
targetRef: {kind: MeshHTTPRoute, name: route-1}
to:
- targetRef: {kind: MeshService, name: web-backend}
  default:
    connectionTimeout: 10s
    idleTimeout: 1h
    http: {requestTimeout: 1s, streamIdleTimeout: 1h, maxStreamDuration: 1h, maxConnectionDuration: 1h}
from: [{targetRef: {kind: Mesh}, default: {connectionTimeout: 11s}}]`,
      expected: [
        v('spec.from', 'must not be defined'),
        v('spec.to[0].targetRef.kind', "value 'MeshService' is not supported"),
        v('spec.to[0].default.connectionTimeout', ROUTE_LEVEL),
        v('spec.to[0].default.idleTimeout', ROUTE_LEVEL),
        v('spec.to[0].default.http.maxStreamDuration', ROUTE_LEVEL),
        v('spec.to[0].default.http.maxConnectionDuration', ROUTE_LEVEL),
      ],
    },
    {
      title: 'a MeshGateway-level policy: no from, no service targets',
      spec: `
targetRef: {kind: MeshGateway, name: gateway-1}
to: [{targetRef: {kind: MeshService, name: web-backend}, default: {connectionTimeout: 10s}}]
from: [{targetRef: {kind: Mesh}, default: {connectionTimeout: 11s}}]`,
      expected: [v('spec.from', 'must not be defined'), v('spec.to[0].targetRef.kind', "value 'MeshService' is not supported")],
    },
    {
      title: 'MeshExternalService target with both labels and name',
      spec: `
targetRef: {kind: Mesh}
to: [{targetRef: {kind: MeshExternalService, name: web-backend, labels: {kuma.io/display-name: web-backend}}, default: {connectionTimeout: 10s}}]`,
      expected: [v('spec.to[0].targetRef.labels', 'either labels or name must be specified')],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));

  const valid: Record<string, string> = {
    'full example with from and to': `
targetRef: {kind: MeshService, name: web-frontend}
from:
- targetRef: {kind: Mesh}
  default:
    connectionTimeout: 10s
    idleTimeout: 1h
    http: {requestTimeout: 0s, streamIdleTimeout: 1h, maxStreamDuration: 1h, maxConnectionDuration: 1h}
to:
- targetRef: {kind: MeshService, name: web-backend}
  default:
    connectionTimeout: 10s
    idleTimeout: 1h
    http: {requestTimeout: 1s, streamIdleTimeout: 1h, maxStreamDuration: 1h, maxConnectionDuration: 1h}`,
    'minimal example': 'targetRef: {kind: MeshService, name: web-frontend}\nto: [{targetRef: {kind: MeshService, name: web-backend}, default: {http: {requestTimeout: 1s}}}]',
    'MeshHTTPRoute top level with route timeouts': `
targetRef: {kind: MeshHTTPRoute, name: route-1}
to: [{targetRef: {kind: Mesh}, default: {http: {requestTimeout: 1s, streamIdleTimeout: 2s}}}]`,
    'MeshExternalService by name and by labels': `
targetRef: {kind: MeshSubset, tags: {kuma.io/service: web-frontend}}
to:
- {targetRef: {kind: MeshExternalService, name: web-backend}, default: {http: {requestTimeout: 1s}}}
- {targetRef: {kind: MeshExternalService, labels: {kuma.io/display-name: web-backend}}, default: {http: {requestTimeout: 1s}}}`,
    'MeshHTTPRoute destination by labels, MeshMultiZoneService section': `
to:
- {targetRef: {kind: MeshHTTPRoute, labels: {kuma.io/display-name: http-route-1}}, default: {http: {requestTimeout: 1s}}}
- {targetRef: {kind: MeshMultiZoneService, name: backend, sectionName: http}, default: {idleTimeout: 0s}}`,
    'Dataplane section on an inbound policy': `
targetRef: {kind: Dataplane, labels: {app: web}, sectionName: main}
from: [{targetRef: {kind: Mesh}, default: {idleTimeout: 20s}}]`,
    'only requestHeadersTimeout in http (Kuma forgets this field in its empty-section check)':
      'to: [{targetRef: {kind: Mesh}, default: {http: {requestHeadersTimeout: 5s}}}]',
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(spec), []));

  it('shows TARGETREF and TO', () => {
    const body = parse('targetRef: {kind: MeshService, name: web}\nto: [{targetRef: {kind: Mesh}, default: {idleTimeout: 1h}}, {targetRef: {kind: MeshService, name: db}, default: {idleTimeout: 1m}}]');
    const admitted = admit({ kind: meshTimeoutDescriptor, name: 'timeout-1', mesh: 'default', labels: {}, body }, ctx);
    const r = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 } as Resource;
    assert.deepEqual(
      meshTimeoutDescriptor.columns.map((c) => [c.header, c.value(r)]),
      [
        ['TARGETREF', 'MeshService/web'],
        ['TO', 'Mesh,MeshService/db'],
        ['REFERENCES', ''],
      ],
    );
  });
});

describe('durationMs', () => {
  for (const [text, ms] of [
    ['0s', 0],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['10us', 0.01],
    ['2h45m0.5s', 9_900_500],
  ] as const) {
    it(`${text} is ${ms} ms`, () => assert.equal(durationMs(text), ms));
  }
});
