import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewResource, Resource } from '../core/resource.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import { checkReferences } from './apply-check.js';
import { DestinationCatalog } from './destination-catalog.js';
import { selectsProxy } from './match-proxy.js';

const stamp = { creationTime: '2025-01-01T00:00:00Z', modificationTime: '2025-01-01T00:00:00Z', version: 1 };
const zone = { 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' };
const backend: Resource = {
  type: 'MeshService',
  mesh: 'default',
  name: 'backend',
  labels: { ...zone, 'kuma.io/display-name': 'backend', team: 'a' },
  spec: { selector: { dataplaneTags: { 'kuma.io/service': 'backend' } }, ports: [{ name: 'grpc', port: 8080 }] },
  ...stamp,
};
const backendDp: Resource<DataplaneSpec> = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'backend-1',
  labels: { ...zone, app: 'backend' },
  spec: { networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend', version: 'v1' } }] } },
  ...stamp,
};
const catalog = new DestinationCatalog([backend], []);

function route(spec: unknown): NewResource {
  return { type: 'MeshHTTPRoute', mesh: 'default', name: 'r', labels: { ...zone, 'kuma.io/display-name': 'r' }, spec };
}

describe('checkReferences (PUT of a route or policy)', () => {
  it('a backendRef to a missing MeshService is a warning that says what happens to its traffic', () => {
    const r = route({ to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ default: { backendRefs: [{ kind: 'MeshService', name: 'backend-v3', port: 8080, weight: 1 }] } }] }] });
    assert.deepEqual(checkReferences(r, catalog, [backendDp]), {
      violations: [],
      warnings: [
        "spec.to[0].rules[0].default.backendRefs[0]: MeshService 'backend-v3' does not exist in mesh 'default'; until it resolves, the traffic it would get fails (503 / UNAVAILABLE) instead of going elsewhere",
      ],
    });
  });

  it('a port that a MeshService named by name lacks is refused (400) at the field that names it', () => {
    const r = route({
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'http' },
          rules: [{ default: { backendRefs: [{ kind: 'MeshService', name: 'backend', port: 9090, weight: 1 }] } }],
        },
      ],
    });
    const result = checkReferences(r, catalog, [backendDp]);
    assert.deepEqual(
      result.violations.map((v) => v.field),
      ['spec.to[0].targetRef.sectionName', 'spec.to[0].rules[0].default.backendRefs[0].port'],
    );
    assert.match(result.violations[0]?.message ?? '', /has no port with section name 'http' \(its ports: grpc/);
  });

  it('labels that match nothing only warn (a service may come), and a top-level ref that selects no proxy warns', () => {
    const r: NewResource = {
      type: 'MeshTimeout',
      mesh: 'default',
      name: 't',
      labels: zone,
      spec: { targetRef: { kind: 'Dataplane', name: 'nope' }, to: [{ targetRef: { kind: 'MeshService', labels: { team: 'z' }, sectionName: 'x' }, default: { connectionTimeout: '1s' } }] },
    };
    const result = checkReferences(r, catalog, [backendDp]);
    assert.deepEqual(result.violations, []);
    assert.deepEqual(result.warnings, [
      "spec.targetRef: Dataplane 'nope' matches no Dataplane, so this configures no proxy; until something matches, this resource does nothing",
      'spec.to[0].targetRef: no MeshService in mesh \'default\' has the labels {"team":"z"}; until it resolves, this entry applies to nothing',
    ]);
  });

  it('what Meshplane does not apply yet is said too: policies on a route, inbound (from) entries', () => {
    const r: NewResource = {
      type: 'MeshTimeout',
      mesh: 'default',
      name: 't',
      labels: zone,
      spec: { targetRef: { kind: 'MeshHTTPRoute', name: 'r' }, to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '1s' } } }], from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1s' } }] },
    };
    assert.deepEqual(checkReferences(r, catalog, []).warnings, [
      "spec.targetRef: MeshHTTPRoute 'r': Meshplane does not apply policies attached to a route yet, so this configures no proxy; until something matches, this resource does nothing",
      'spec.from: Meshplane does not apply inbound (from) policies yet; only spec.to takes effect',
    ]);
  });

  it('other kinds are not checked', () => {
    assert.deepEqual(checkReferences({ type: 'MeshService', mesh: 'default', name: 'x', labels: {}, spec: {} }, catalog, []), { violations: [], warnings: [] });
  });
});

describe('selectsProxy (top-level targetRef)', () => {
  const facts = { dataplane: backendDp, meshServices: [backend] };
  const cases: [string, unknown, boolean][] = [
    ['no targetRef', undefined, true],
    ['Mesh', { kind: 'Mesh' }, true],
    ['Mesh for gateways only', { kind: 'Mesh', proxyTypes: ['Gateway'] }, false],
    ['MeshService by name', { kind: 'MeshService', name: 'backend' }, true],
    ['MeshService by labels of the service', { kind: 'MeshService', labels: { team: 'a' } }, true],
    ['another MeshService', { kind: 'MeshService', name: 'web' }, false],
    ['MeshSubset by inbound tag', { kind: 'MeshSubset', tags: { version: 'v1' } }, true],
    ['MeshSubset by another tag value', { kind: 'MeshSubset', tags: { version: 'v2' } }, false],
    ['MeshServiceSubset', { kind: 'MeshServiceSubset', name: 'backend', tags: { version: 'v1' } }, true],
    ['Dataplane by name', { kind: 'Dataplane', name: 'backend-1' }, true],
    ['Dataplane by labels', { kind: 'Dataplane', labels: { app: 'backend' } }, true],
    ['MeshHTTPRoute (route-level policies are not applied)', { kind: 'MeshHTTPRoute', name: 'r' }, false],
  ];
  for (const [what, ref, expected] of cases) {
    it(`${what}: ${expected ? 'selects' : 'does not select'}`, () => {
      assert.equal(selectsProxy({ labels: zone }, ref as never, facts), expected);
    });
  }

  it('a policy that came from another zone does not select this zone\'s proxies', () => {
    assert.equal(selectsProxy({ labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-2' } }, undefined, facts), false);
  });
});
