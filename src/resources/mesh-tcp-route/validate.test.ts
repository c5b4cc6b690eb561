import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { meshTcpRouteDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(specYaml: string): Violation[] {
  try {
    admit({ kind: meshTcpRouteDescriptor, name: 'route-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });

describe('MeshTCPRoute validation', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'unsupported top-level kind',
      spec: 'targetRef: {kind: BlahBlah, name: frontend}\nto: [{targetRef: {kind: MeshService, name: backend}}]',
      expected: [v('spec.targetRef.kind', "value 'BlahBlah' is not supported")],
    },
    {
      title: 'to[].targetRef of kind Mesh is not a destination',
      spec: 'targetRef: {kind: MeshService, name: frontend}\nto: [{targetRef: {kind: Mesh}}]',
      expected: [v('spec.to[0].targetRef.kind', "value 'Mesh' is not supported")],
    },
    {
      title: 'under a MeshGateway only kind Mesh may be a to[] target',
      spec: 'targetRef: {kind: MeshGateway, name: edge}\nto: [{targetRef: {kind: MeshService, name: backend}}]',
      expected: [v('spec.to[0].targetRef.kind', "value 'MeshService' is not supported")],
    },
    {
      title: 'a rule without backendRefs',
      spec: 'to: [{targetRef: {kind: MeshService, name: backend}, rules: [{default: {}}, {default: {backendRefs: []}}]}]',
      expected: [
        v('spec.to[0].rules', 'must have at most 1 rule; got 2'),
        v('spec.to[0].rules[0].default.backendRefs', 'must be defined'),
        v('spec.to[0].rules[1].default.backendRefs', 'must be defined'),
      ],
    },
    {
      title: 'backendRefs: MeshServiceSubset needs a name, MeshMultiZoneService a port',
      spec: `
targetRef: {kind: MeshService, name: frontend}
to:
- targetRef: {kind: MeshService, name: backend}
  rules:
  - default:
      backendRefs:
      - {kind: MeshServiceSubset, tags: {version: v1}}
      - {kind: MeshMultiZoneService, name: test-server}`,
      expected: [
        v('spec.to[0].rules[0].default.backendRefs[0].name', 'must be set when kind is MeshServiceSubset'),
        v('spec.to[0].rules[0].default.backendRefs[1].port', 'must be defined with kind MeshMultiZoneService'),
      ],
    },
    {
      title: 'stricter than Kuma: more than one rule (Kuma enforces MaxItems=1 only on Kubernetes)',
      spec: `
to:
- targetRef: {kind: MeshService, name: backend}
  rules:
  - default: {backendRefs: [{kind: MeshService, name: a}]}
  - default: {backendRefs: [{kind: MeshService, name: b}]}`,
      expected: [v('spec.to[0].rules', 'must have at most 1 rule; got 2')],
    },
    {
      title: 'stricter than Kuma: every weight 0, a negative weight, a namespace, labels with a name',
      spec: `
to:
- targetRef: {kind: MeshService, name: backend, namespace: kuma-demo}
  rules:
  - default:
      backendRefs:
      - {kind: MeshService, name: a, port: 80, weight: 0}
      - {kind: MeshService, name: b, labels: {app: b}, port: 80, weight: 0}
- targetRef: {kind: MeshService, name: other}
  rules: [{default: {backendRefs: [{kind: MeshService, name: c, weight: -1}]}}]`,
      expected: [
        v('spec.to[0].targetRef.namespace', 'can only be used on Kubernetes zones'),
        v('spec.to[0].rules[0].default.backendRefs[1].labels', 'either labels or name and namespace must be specified'),
        v('spec.to[0].rules[0].default.backendRefs', 'must have at least one backendRef with a weight greater than 0'),
        v('spec.to[1].rules[0].default.backendRefs[0].weight', 'must be in inclusive range [0, 4294967295]'),
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));

  const valid: Record<string, string> = {
    'with to.rules': 'targetRef: {kind: MeshService, name: frontend}\nto: [{targetRef: {kind: MeshService, name: backend}, rules: [{default: {backendRefs: [{kind: MeshService, name: other}]}}]}]',
    'without to.rules (traffic keeps its destination)': 'targetRef: {kind: MeshService, name: frontend}\nto: [{targetRef: {kind: MeshService, name: backend}}]',
    'MeshGateway with listener tags': `
targetRef: {kind: MeshGateway, name: edge, tags: {port: "6000"}}
to: [{targetRef: {kind: Mesh}, rules: [{default: {backendRefs: [{kind: MeshService, name: other}]}}]}]`,
    'MeshService and MeshMultiZoneService sections': `
targetRef: {kind: Mesh}
to:
- targetRef: {kind: MeshService, name: backend, sectionName: "8080"}
  rules: [{default: {backendRefs: [{kind: MeshMultiZoneService, name: other, port: 8080}]}}]
- targetRef: {kind: MeshMultiZoneService, name: other, sectionName: "8080"}
  rules: [{default: {backendRefs: [{kind: MeshService, name: backend, port: 8080}]}}]`,
    'Kuma docs: traffic split by weight': `
targetRef: {kind: Mesh}
to:
- targetRef: {kind: MeshService, name: redis}
  rules:
  - default:
      backendRefs:
      - {kind: MeshService, labels: {kuma.io/display-name: redis, kuma.io/zone: east}, port: 6379, weight: 90}
      - {kind: MeshService, name: redis-v2, port: 6379, weight: 10}`,
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(spec), []));

  it('fills weight 1 and shows TARGETS and RULES', () => {
    const admitted = admit(
      {
        kind: meshTcpRouteDescriptor,
        name: 'route-1',
        mesh: 'default',
        labels: {},
        body: parse('to: [{targetRef: {kind: MeshService, name: redis, sectionName: main}, rules: [{default: {backendRefs: [{kind: MeshService, name: redis-v2, port: 6379}]}}]}]'),
      },
      ctx,
    );
    assert.deepEqual(admitted.resource.spec, {
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'redis', sectionName: 'main' },
          rules: [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis-v2', port: 6379, weight: 1 }] } }],
        },
      ],
    });
    const r = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 } as Resource;
    assert.deepEqual(
      meshTcpRouteDescriptor.columns.map((c) => [c.header, c.value(r)]),
      [
        ['TARGETS', 'MeshService/redis:main'],
        ['RULES', '1'],
        ['REFERENCES', ''],
      ],
    );
  });
});
