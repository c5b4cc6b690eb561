/**
 * The narrowing proxy-sync relies on: which routes and policies act only through `to` entries
 * naming Mesh*Services, and a `mayName` that is a superset of what resolveTargetRef resolves
 * (pinned over random refs and catalogs: missing a destination would leave a proxy stale).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import type { TargetRef } from '../resources/shared/target-ref.js';
import { DestinationCatalog } from './destination-catalog.js';
import { destinationRefsOf, displayNamesOf, mayName, selectsByMeshService } from './policy-reach.js';
import { resolveTargetRef } from './resolve-ref.js';

function resource(type: string, name: string, labels: Record<string, string>, spec: unknown): Resource {
  return { type, mesh: 'default', name, labels, creationTime: '', modificationTime: '', version: 1, spec };
}

const policy = (spec: unknown): Resource => resource('MeshTimeout', 'p', {}, spec);
const TO_BACKEND = { targetRef: { kind: 'MeshService', name: 'backend' }, default: {} };

describe('destinationRefsOf', () => {
  it('gives the `to` targetRefs when every entry names a MeshService or MeshMultiZoneService', () => {
    const mz = { targetRef: { kind: 'MeshMultiZoneService', labels: { team: 'a' } } };
    assert.deepEqual(destinationRefsOf(policy({ targetRef: { kind: 'Mesh' }, to: [TO_BACKEND, mz] })), [TO_BACKEND.targetRef, mz.targetRef]);
    assert.deepEqual(destinationRefsOf(policy({ targetRef: { kind: 'Dataplane', name: 'web' }, to: [TO_BACKEND] })), [TO_BACKEND.targetRef]);
    assert.deepEqual(destinationRefsOf(policy({ to: [TO_BACKEND] })), [TO_BACKEND.targetRef], 'no top-level targetRef is the Mesh');
    assert.deepEqual(destinationRefsOf(policy({ targetRef: { kind: 'Mesh' } })), [], 'no `to` entries: acts on no destination');
  });

  it('is undefined (every selected proxy) for `to: Mesh`, a `to` without targetRef or of another kind, `from`, or an unselecting top-level kind', () => {
    assert.equal(destinationRefsOf(policy({ to: [TO_BACKEND, { targetRef: { kind: 'Mesh' } }] })), undefined);
    assert.equal(destinationRefsOf(policy({ to: [{ default: {} }] })), undefined);
    assert.equal(destinationRefsOf(policy({ to: [{ targetRef: { kind: 'MeshExternalService', name: 'x' } }] })), undefined);
    assert.equal(destinationRefsOf(policy({ to: [TO_BACKEND], from: [{ targetRef: { kind: 'Mesh' } }] })), undefined);
    assert.equal(destinationRefsOf(policy({ targetRef: { kind: 'MeshGateway', name: 'gw' }, to: [TO_BACKEND] })), undefined);
  });
});

describe('mayName', () => {
  const backend = resource('MeshService', 'backend-x7z2', { 'kuma.io/display-name': 'backend', 'k8s.kuma.io/namespace': 'kuma-demo', team: 'a' }, {});
  it('matches by display name in any zone or namespace, by labels, and by the `<service>_<namespace>_svc` form', () => {
    assert.equal(mayName({ kind: 'MeshService', name: 'backend', sectionName: 'http' }, backend), true);
    assert.equal(mayName({ kind: 'MeshService', name: 'backend-x7z2' }, backend), false, 'the core name is not what a ref names');
    assert.equal(mayName({ kind: 'MeshMultiZoneService', name: 'backend' }, backend), false);
    assert.equal(mayName({ kind: 'MeshService', labels: { team: 'a' } }, backend), true);
    assert.equal(mayName({ kind: 'MeshService', labels: { team: 'b' } }, backend), false);
    assert.equal(mayName({ kind: 'MeshService', name: 'backend_kuma-demo_svc_80' }, backend), true);
    assert.deepEqual(displayNamesOf({ kind: 'MeshService', name: 'backend_kuma-demo_svc_80' }), ['backend_kuma-demo_svc_80', 'backend']);
    assert.equal(displayNamesOf({ kind: 'MeshService', name: 'x', labels: { team: 'a' } }), undefined);
  });

  it('names every destination resolveTargetRef resolves (2,000 random refs over random catalogs)', () => {
    let a = 5;
    const next = (): number => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const labels = (): Record<string, string> => {
      const l: Record<string, string> = {};
      if (next() < 0.7) l['kuma.io/display-name'] = pick(['backend', 'api']);
      if (next() < 0.6) l['kuma.io/zone'] = pick(['zone-1', 'zone-2']);
      if (next() < 0.6) l['k8s.kuma.io/namespace'] = pick(['ns', 'kuma-demo']);
      if (next() < 0.5) l.team = pick(['a', 'b']);
      return l;
    };
    const ports = { ports: [{ name: 'http', port: 80 }, { port: 8080 }].filter(() => next() < 0.7) };
    let resolved = 0;
    for (let round = 0; round < 2000; round++) {
      const services = Array.from({ length: 4 }, (_, i) => resource('MeshService', pick(['backend', 'api', `svc-${i}`]) + `-${i}`, labels(), ports));
      const multiZone = [resource('MeshMultiZoneService', pick(['backend', 'api']), labels(), ports)];
      const catalog = new DestinationCatalog(services, multiZone);
      const ref: TargetRef = {
        kind: pick(['MeshService', 'MeshService', 'MeshMultiZoneService']),
        ...(next() < 0.3 ? { labels: { team: pick(['a', 'b']) } } : { name: pick(['backend', 'api', 'backend_kuma-demo_svc', 'api_ns_svc_8080', 'backend-1']) }),
        ...(next() < 0.3 ? { sectionName: pick(['http', '8080']) } : {}),
        ...(next() < 0.3 ? { namespace: pick(['ns', 'kuma-demo']) } : {}),
      };
      const origin = { mesh: 'default', labels: labels() };
      const resolution = resolveTargetRef(ref, origin, catalog);
      assert.equal(resolution.scope, 'destinations');
      if (resolution.scope !== 'destinations') continue;
      for (const t of resolution.targets) {
        resolved++;
        assert.equal(mayName(ref, t.entry.resource), true, `round ${round}: ${JSON.stringify(ref)} resolves to ${t.entry.resource.name} ${JSON.stringify(t.entry.resource.labels)}`);
      }
    }
    assert.ok(resolved > 500, `enough refs resolved to something (${resolved})`);
  });
});

describe('selectsByMeshService', () => {
  it('is true only when a version targets proxies by MeshService', () => {
    assert.equal(selectsByMeshService([policy({ targetRef: { kind: 'Mesh' } }), policy({ targetRef: { kind: 'MeshService', name: 'web' } })]), true);
    assert.equal(selectsByMeshService([policy({ targetRef: { kind: 'MeshSubset', tags: { a: 'b' } } }), policy({})]), false);
  });
});
