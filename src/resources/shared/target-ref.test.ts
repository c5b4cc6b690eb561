/**
 * The shared reference rules, exercised through admission of real kinds: MeshTimeout (whose
 * top-level and `to` lists allow most kinds) and MeshHTTPRoute (for backendRefs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import type { KindDescriptor } from '../../core/descriptor.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { meshHttpRouteDescriptor } from '../mesh-http-route/descriptor.js';
import { meshTimeoutDescriptor } from '../mesh-timeout/descriptor.js';
import { describeTargetRef } from './target-ref.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(kind: KindDescriptor, specYaml: string): Violation[] {
  try {
    admit({ kind, name: 'policy-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });
/** A MeshTimeout whose top-level targetRef is `top` (flow YAML). */
const top = (ref: string): string => `targetRef: ${ref}\nto: [{targetRef: {kind: Mesh}, default: {idleTimeout: 1h}}]`;
/** A MeshTimeout with one `to` entry whose targetRef is `ref` (flow YAML). */
const to = (ref: string): string => `to: [{targetRef: ${ref}, default: {idleTimeout: 1h}}]`;
/** A MeshHTTPRoute whose only rule has these backendRefs (flow YAML list). */
const backends = (refs: string): string => `to: [{targetRef: {kind: MeshService, name: backend}, rules: [{default: {backendRefs: ${refs}}}]}]`;
const B = 'spec.to[0].rules[0].default.backendRefs';

describe('targetRef rules (Kuma ValidateTargetRef)', () => {
  const cases: { title: string; kind?: KindDescriptor; spec: string; expected: Violation[] }[] = [
    { title: 'a kind is required', spec: top('{name: web}'), expected: [v('spec.targetRef.kind', 'must be defined')] },
    { title: 'a kind outside the position\'s list', spec: to('{kind: Dataplane, name: dp-1}'), expected: [v('spec.to[0].targetRef.kind', "value 'Dataplane' is not supported")] },
    {
      title: 'kind Mesh takes no other field',
      spec: top('{kind: Mesh, name: default, mesh: default, tags: {a: b}, labels: {a: b}, namespace: ns, sectionName: http, proxyTypes: []}'),
      expected: [
        v('spec.targetRef.name', 'using name with kind Mesh is not yet supported'),
        v('spec.targetRef.mesh', 'must not be set with kind Mesh'),
        v('spec.targetRef.tags', 'must not be set with kind Mesh'),
        v('spec.targetRef.labels', 'must not be set with kind Mesh'),
        v('spec.targetRef.namespace', 'must not be set with kind Mesh'),
        v('spec.targetRef.sectionName', 'must not be set with kind Mesh'),
        v('spec.targetRef.proxyTypes', 'must be undefined or have at least one element'),
      ],
    },
    {
      title: 'kind Dataplane: no tags, mesh or proxyTypes; labels alone; sections only for inbound policies',
      spec: top('{kind: Dataplane, name: dp-1, labels: {app: web}, tags: {a: b}, mesh: default, proxyTypes: [Sidecar], sectionName: main}'),
      expected: [
        v('spec.targetRef.tags', 'must not be set with kind Dataplane'),
        v('spec.targetRef.mesh', 'must not be set with kind Dataplane'),
        v('spec.targetRef.proxyTypes', 'must not be set with kind Dataplane'),
        v('spec.targetRef.labels', 'either labels or name and namespace must be specified'),
        v('spec.targetRef.sectionName', 'can only be used with inbound policies'),
      ],
    },
    {
      title: 'kind MeshSubset: tags are checked like Kuma tags, names and selectors are not allowed',
      spec: top(`{kind: MeshSubset, name: x, mesh: default, labels: {a: b}, namespace: ns, sectionName: s, proxyTypes: [],
        tags: {"": v, "bad key!": v, empty: "", version: "v1/beta"}}`),
      expected: [
        v('spec.targetRef.name', 'must not be set with kind MeshSubset'),
        v('spec.targetRef.mesh', 'must not be set with kind MeshSubset'),
        v('spec.targetRef.tags', 'tag name must be non-empty'),
        v('spec.targetRef.tags["bad key!"]', 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores'),
        v('spec.targetRef.tags["empty"]', 'tag value must be non-empty'),
        v('spec.targetRef.tags["version"]', 'tag value must consist of alphanumeric characters, dots, dashes and underscores'),
        v('spec.targetRef.labels', 'must not be set with kind MeshSubset'),
        v('spec.targetRef.namespace', 'must not be set with kind MeshSubset'),
        v('spec.targetRef.sectionName', 'must not be set with kind MeshSubset'),
        v('spec.targetRef.proxyTypes', 'must be undefined or have at least one element'),
      ],
    },
    {
      title: 'kind MeshService: a valid name, no mesh/tags/proxyTypes',
      spec: to('{kind: MeshService, name: Backend, mesh: default, tags: {a: b}, proxyTypes: [Gateway]}'),
      expected: [
        v('spec.to[0].targetRef.name', "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'."),
        v('spec.to[0].targetRef.mesh', 'must not be set with kind MeshService'),
        v('spec.to[0].targetRef.tags', 'must not be set with kind MeshService'),
        v('spec.to[0].targetRef.proxyTypes', 'must not be set with kind MeshService'),
      ],
    },
    {
      title: 'kind MeshService: name or labels, reported on the targetRef itself',
      spec: to('{kind: MeshService, sectionName: http}'),
      expected: [v('spec.to[0].targetRef', 'name or labels must be set when kind is MeshService')],
    },
    {
      title: 'kind MeshHTTPRoute has no sections',
      spec: to('{kind: MeshHTTPRoute, name: route-1, sectionName: s}'),
      expected: [v('spec.to[0].targetRef.sectionName', 'must not be set with kind MeshHTTPRoute')],
    },
    {
      title: 'kind MeshExternalService: labels or name, no sections',
      spec: to('{kind: MeshExternalService, name: httpbin, labels: {app: httpbin}, sectionName: s}'),
      expected: [
        v('spec.to[0].targetRef.labels', 'either labels or name must be specified'),
        v('spec.to[0].targetRef.sectionName', 'must not be set with kind MeshExternalService'),
      ],
    },
    {
      title: 'kind MeshServiceSubset needs a name; subset selectors allow "*" and slashes but not spaces',
      spec: top('{kind: MeshServiceSubset, tags: {version: "*", team: "a/b", zone: "us east"}, labels: {a: b}}'),
      expected: [
        v('spec.targetRef.name', 'must be set when kind is MeshServiceSubset'),
        v('spec.targetRef.tags["zone"]', 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"'),
        v('spec.targetRef.labels', 'must not be set with kind MeshServiceSubset'),
      ],
    },
    {
      title: 'stricter than Kuma: namespace on a Universal zone, for every kind that has one',
      spec: `targetRef: {kind: Dataplane, name: dp-1, namespace: kuma-demo}
to:
- {targetRef: {kind: MeshService, name: backend, namespace: kuma-demo}, default: {idleTimeout: 1h}}
- {targetRef: {kind: MeshExternalService, name: httpbin, namespace: kuma-demo}, default: {idleTimeout: 1h}}
- {targetRef: {kind: MeshHTTPRoute, name: route-1, namespace: kuma-demo}, default: {idleTimeout: 1h}}`,
      expected: [
        v('spec.targetRef.namespace', 'can only be used on Kubernetes zones'),
        v('spec.to[0].targetRef.namespace', 'can only be used on Kubernetes zones'),
        v('spec.to[1].targetRef.namespace', 'can only be used on Kubernetes zones'),
        v('spec.to[2].targetRef.namespace', 'can only be used on Kubernetes zones'),
      ],
    },
    {
      title: 'stricter than Kuma: labels together with a namespace (and the namespace itself)',
      spec: to('{kind: MeshService, labels: {kuma.io/display-name: backend}, namespace: kuma-demo}'),
      expected: [
        v('spec.to[0].targetRef.labels', 'either labels or name and namespace must be specified'),
        v('spec.to[0].targetRef.namespace', 'can only be used on Kubernetes zones'),
      ],
    },
    {
      title: 'stricter than Kuma: kind MeshMultiZoneService is checked like MeshService (Kuma checks nothing)',
      spec: `to:
- {targetRef: {kind: MeshMultiZoneService, mesh: other}, default: {idleTimeout: 1h}}
- {targetRef: {kind: MeshMultiZoneService, name: backend, labels: {team: a}}, default: {idleTimeout: 1h}}`,
      expected: [
        v('spec.to[0].targetRef.mesh', 'must not be set with kind MeshMultiZoneService'),
        v('spec.to[0].targetRef', 'name or labels must be set when kind is MeshMultiZoneService'),
        v('spec.to[1].targetRef.labels', 'either labels or name and namespace must be specified'),
      ],
    },
    {
      title: 'backendRefs: MeshMultiZoneService needs a port; weight stays in uint32 range',
      kind: meshHttpRouteDescriptor,
      spec: backends('[{kind: MeshMultiZoneService, name: backend}, {kind: MeshService, name: backend, port: 80, weight: 4294967296}]'),
      expected: [v(`${B}[0].port`, 'must be defined with kind MeshMultiZoneService'), v(`${B}[1].weight`, 'must be in inclusive range [0, 4294967295]')],
    },
    {
      title: 'stricter than Kuma: a split whose weights are all 0',
      kind: meshHttpRouteDescriptor,
      spec: backends('[{kind: MeshService, name: a, port: 80, weight: 0}, {kind: MeshService, name: b, port: 80, weight: 0}]'),
      expected: [v(B, 'must have at least one backendRef with a weight greater than 0')],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.kind ?? meshTimeoutDescriptor, c.spec), c.expected));

  const valid: Record<string, string> = {
    'MeshGateway with listener tags at the top level (system-role policies on Universal)': top('{kind: MeshGateway, name: edge, tags: {port: "8080"}}'),
    'MeshSubset with the kuma.io/service tag and proxyTypes': top('{kind: MeshSubset, tags: {kuma.io/service: web, kuma.io/zone: east}, proxyTypes: [Sidecar]}'),
    'Mesh with proxyTypes': top('{kind: Mesh, proxyTypes: [Sidecar, Gateway]}'),
    'legacy kuma.io/service style MeshService name': to('{kind: MeshService, name: backend_kuma-demo_svc_8080}'),
    'MeshService by labels with a section': to('{kind: MeshService, labels: {kuma.io/display-name: backend, kuma.io/zone: east}, sectionName: "8080"}'),
    'Dataplane by name': top('{kind: Dataplane, name: dp-1}'),
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(meshTimeoutDescriptor, spec), []));
});

describe('describeTargetRef', () => {
  for (const [ref, text] of [
    [undefined, 'Mesh'],
    [{ kind: 'Mesh' }, 'Mesh'],
    [{ kind: 'MeshService', name: 'backend', sectionName: 'http' }, 'MeshService/backend:http'],
    [{ kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' } }, 'MeshService{kuma.io/display-name=backend,kuma.io/zone=east}'],
    [{ kind: 'MeshSubset', tags: { version: 'v1' } }, 'MeshSubset{version=v1}'],
  ] as const) {
    it(`${JSON.stringify(ref)} reads ${text}`, () => assert.equal(describeTargetRef(ref), text));
  }
});
