import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels, Resource } from '../core/resource.js';
import { DestinationCatalog } from './destination-catalog.js';
import { resolveBackendRef, resolveTargetRef, type RefOrigin } from './resolve-ref.js';

function ms(name: string, labels: Labels, ports: { name?: string; port: number }[], creationTime = '2025-01-01T00:00:00Z'): Resource {
  return {
    type: 'MeshService',
    mesh: 'default',
    name,
    labels: { 'kuma.io/display-name': name, ...labels },
    creationTime,
    modificationTime: creationTime,
    version: 1,
    spec: { ports: ports.map((p) => ({ ...p, targetPort: p.port, appProtocol: 'grpc' })) },
  };
}

const ZONE1 = { 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' };
const catalog = new DestinationCatalog(
  [
    ms('backend', { ...ZONE1, team: 'a' }, [{ name: 'http', port: 80 }, { port: 9090 }]),
    // A copy of zone-2's backend, synced in: hashed core name, display name label.
    { ...ms('backend-x7z2', { 'kuma.io/zone': 'zone-2', 'kuma.io/origin': 'global', team: 'a' }, [{ name: 'http', port: 80 }]), labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'zone-2', 'kuma.io/origin': 'global', team: 'a' } },
    ms('svc-new', { ...ZONE1, team: 'b' }, [{ name: 'grpc', port: 8080 }], '2025-03-01T00:00:00Z'),
    ms('svc-old', { ...ZONE1, team: 'b' }, [{ name: 'grpc', port: 8080 }], '2024-03-01T00:00:00Z'),
    ms('users', { ...ZONE1, 'k8s.kuma.io/namespace': 'kuma-demo' }, [{ name: 'http', port: 80 }]),
  ],
  [{ type: 'MeshMultiZoneService', mesh: 'default', name: 'backend-mz', labels: { 'kuma.io/display-name': 'backend-mz', 'kuma.io/origin': 'global' }, creationTime: '', modificationTime: '', version: 1, spec: { ports: [{ port: 80, appProtocol: 'http' }] } }],
);
const zonePolicy: RefOrigin = { mesh: 'default', labels: ZONE1 };
const globalPolicy: RefOrigin = { mesh: 'default', labels: { 'kuma.io/origin': 'global' } };

function names(r: ReturnType<typeof resolveTargetRef>): string[] {
  return r.scope === 'mesh' ? ['<mesh>'] : r.targets.map((t) => `${t.entry.resource.name}${t.sectionName ? `:${t.sectionName}` : ''}`);
}

describe('resolveTargetRef (policies select many)', () => {
  it('kind Mesh (or no targetRef) is the whole mesh', () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'Mesh' }, zonePolicy, catalog)), ['<mesh>']);
    assert.deepEqual(names(resolveTargetRef(undefined, zonePolicy, catalog)), ['<mesh>']);
  });

  it('a name is the MeshService of the policy\'s own zone, not another zone\'s synced copy', () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', name: 'backend' }, zonePolicy, catalog)), ['backend']);
  });

  it('labels select every match in every zone', () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', labels: { team: 'a' } }, zonePolicy, catalog)), ['backend', 'backend-x7z2']);
  });

  it('sectionName keeps the port of that name; an unnamed port is named by its number; a number does not name a named port', () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', name: 'backend', sectionName: 'http' }, zonePolicy, catalog)), ['backend:http']);
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', name: 'backend', sectionName: '9090' }, zonePolicy, catalog)), ['backend:9090']);
    const byNumber = resolveTargetRef({ kind: 'MeshService', name: 'backend', sectionName: '80' }, zonePolicy, catalog);
    assert.deepEqual(names(byNumber), []);
    assert.equal(byNumber.scope === 'destinations' && byNumber.problem?.code, 'no-port');
    assert.match(byNumber.scope === 'destinations' ? (byNumber.problem?.reason ?? '') : '', /its ports: http, 9090/);
  });

  it('a missing service says so, and names the zone where a service of that name lives', () => {
    const missing = resolveTargetRef({ kind: 'MeshService', name: 'nope' }, zonePolicy, catalog);
    assert.deepEqual(missing.scope === 'destinations' && missing.problem, { code: 'missing', reason: "MeshService 'nope' does not exist in mesh 'default'" });
    const fromGlobal = resolveTargetRef({ kind: 'MeshService', name: 'backend' }, globalPolicy, catalog);
    assert.deepEqual(names(fromGlobal), []);
    assert.match(fromGlobal.scope === 'destinations' ? (fromGlobal.problem?.reason ?? '') : '', /created on a global control plane.*zone 'zone-1'.*kuma\.io\/zone: zone-1/);
  });

  it('a MeshMultiZoneService name matches whatever zone the policy came from (Kuma 2.x matches nothing there)', () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshMultiZoneService', name: 'backend-mz' }, zonePolicy, catalog)), ['backend-mz']);
  });

  it("Kuma's compat name <svc>_<ns>_svc_<port> becomes display name + namespace labels and a port", () => {
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', name: 'users_kuma-demo_svc_80' }, globalPolicy, catalog)), ['users:http']);
    assert.deepEqual(names(resolveTargetRef({ kind: 'MeshService', name: 'users_kuma-demo_svc' }, globalPolicy, catalog)), ['users']);
  });

  it('kinds Meshplane has no destinations of resolve to nothing, with the reason', () => {
    const r = resolveTargetRef({ kind: 'MeshExternalService', name: 'ext' }, zonePolicy, catalog);
    assert.equal(r.scope === 'destinations' && r.problem?.code, 'unsupported');
  });
});

describe('resolveBackendRef (routes take exactly one)', () => {
  it('several label matches: the oldest by creationTime, and the pick is said', () => {
    const r = resolveBackendRef({ kind: 'MeshService', labels: { team: 'b' }, port: 8080 }, zonePolicy, catalog);
    assert.ok(r.ok);
    assert.equal(r.entry.resource.name, 'svc-old');
    assert.equal(r.remark, "MeshService {team=b} matches 2 MeshServices (svc-old, svc-new); a backendRef takes one: the oldest, 'svc-old'");
  });

  it('port by number or by name; sectionName by name or number', () => {
    const byNumber = resolveBackendRef({ kind: 'MeshService', name: 'backend', port: 80 }, zonePolicy, catalog);
    const bySection = resolveBackendRef({ kind: 'MeshService', name: 'backend', sectionName: 'http' }, zonePolicy, catalog);
    const unnamed = resolveBackendRef({ kind: 'MeshService', name: 'backend', port: 9090 }, zonePolicy, catalog);
    assert.deepEqual([byNumber, bySection, unnamed].map((r) => (r.ok ? r.port.sectionName : r.reason)), ['http', 'http', '9090']);
  });

  it('a port the service lacks is unresolved (never another port), and a portless ref needs a single-port service', () => {
    const noPort = resolveBackendRef({ kind: 'MeshService', name: 'backend', port: 81 }, zonePolicy, catalog);
    assert.deepEqual(noPort.ok ? 'resolved' : [noPort.code, noPort.reason], ['no-port', "MeshService 'backend' has no port 81 (its ports: http, 9090; an unnamed port's section name is its number)"]);
    const portless = resolveBackendRef({ kind: 'MeshService', name: 'backend' }, zonePolicy, catalog);
    assert.equal(portless.ok ? 'resolved' : portless.code, 'which-port');
    const single = resolveBackendRef({ kind: 'MeshService', name: 'svc-new' }, zonePolicy, catalog);
    assert.equal(single.ok && single.port.sectionName, 'grpc');
  });

  it('a missing service is unresolved with its reason', () => {
    const r = resolveBackendRef({ kind: 'MeshService', name: 'backend-v3', port: 80 }, zonePolicy, catalog);
    assert.deepEqual(r.ok ? 'resolved' : [r.code, r.reason], ['missing', "MeshService 'backend-v3' does not exist in mesh 'default'"]);
  });
});
