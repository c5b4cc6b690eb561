import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inbound } from '../dataplane/types.js';
import type { DataplaneResource } from './selection.js';
import { applyMeshServiceStatus, computeMeshServiceStatus } from './status.js';
import type { MeshServicePort, MeshServiceSpec, MeshServiceStatus } from './types.js';

function dp(name: string, inbound: Inbound[], labels: Record<string, string> = { app: 'backend' }): DataplaneResource {
  return { type: 'Dataplane', mesh: 'default', name, labels, creationTime: '', modificationTime: '', version: 1, spec: { networking: { address: '10.0.0.1', inbound } } };
}

function service(ports: MeshServicePort[], selector: MeshServiceSpec['selector'] = { dataplaneLabels: { matchLabels: { app: 'backend' } } }) {
  return { mesh: 'default', spec: { state: 'Unavailable' as const, selector, ports } };
}

const port80 = { name: '80', port: 80, targetPort: 80, appProtocol: 'tcp' };
const port81 = { name: '8081', port: 8081, targetPort: 81, appProtocol: 'tcp' };

describe('computeMeshServiceStatus (semantics 8.1)', () => {
  it('no Dataplanes: zero counts, Unavailable, no PortsMatched condition', () => {
    assert.deepEqual(computeMeshServiceStatus(service([port80]), [], new Set()), {
      dataplaneProxies: { connected: 0, healthy: 0, total: 0 },
      state: 'Unavailable',
    });
  });

  it('three Ready Dataplanes, one connected: {connected 1, healthy 3, total 3}, Available', () => {
    const dps = ['dp-1', 'dp-2', 'dp-3'].map((n) => dp(n, [{ port: 80 }]));
    const got = computeMeshServiceStatus(service([port80]), [...dps, dp('other', [{ port: 80 }], { app: 'web' })], new Set(['dp-2', 'other']));
    assert.deepEqual(got.dataplaneProxies, { connected: 1, healthy: 3, total: 3 });
    assert.equal(got.state, 'Available');
    assert.deepEqual(got.portsMatched, { type: 'PortsMatched', status: 'True', reason: 'AllPortsMatched', message: 'every port matches an inbound of the selected Dataplanes' });
  });

  it('a proxy is healthy only when every port has a Ready inbound: {0, 1, 3}', () => {
    const dps = [
      dp('ok', [{ port: 80 }, { port: 81 }]),
      dp('half', [{ port: 80, state: 'NotReady' }, { port: 81 }]),
      dp('none', [{ port: 80, state: 'NotReady' }, { port: 81, state: 'NotReady' }]),
    ];
    const got = computeMeshServiceStatus(service([port80, port81]), dps, new Set());
    assert.deepEqual(got.dataplaneProxies, { connected: 0, healthy: 1, total: 3 });
    assert.equal(got.state, 'Available');
  });

  it('a failed health report counts like NotReady (as for endpoints); zero healthy is Unavailable', () => {
    const got = computeMeshServiceStatus(service([port80]), [dp('a', [{ port: 80, health: { ready: false } }]), dp('b', [{ port: 80, state: 'Ignored' }])], new Set());
    assert.deepEqual(got.dataplaneProxies, { connected: 0, healthy: 0, total: 2 });
    assert.equal(got.state, 'Unavailable');
  });

  it('ports whose targetPort matches no inbound are named in a False PortsMatched condition', () => {
    const ports = [
      { name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' },
      { name: 'grpc', port: 90, targetPort: 'grpc', appProtocol: 'grpc' },
      { port: 100, appProtocol: 'tcp' },
    ];
    const got = computeMeshServiceStatus(service(ports), [dp('a', [{ port: 8080 }, { port: 9090, name: 'rpc' }]), dp('b', [{ port: 8080 }])], new Set());
    assert.deepEqual(got.portsMatched, {
      type: 'PortsMatched',
      status: 'False',
      reason: 'NoMatchingInbound',
      message: 'ports grpc (targetPort "grpc"), 100 (no targetPort) match no inbound of any of the 2 selected Dataplanes, so they get no endpoints',
    });
    assert.equal(got.dataplaneProxies.healthy, 0, 'no proxy serves every port');
  });

  it('a targetPort naming an inbound matches by name', () => {
    const got = computeMeshServiceStatus(service([{ name: 'main', port: 80, targetPort: 'main', appProtocol: 'tcp' }]), [dp('a', [{ port: 8080, name: 'main' }])], new Set());
    assert.equal(got.portsMatched?.status, 'True');
    assert.equal(got.dataplaneProxies.healthy, 1);
  });

  it('dataplaneTags selects by inbound tags; zero ports count every selected proxy as healthy (Kuma Q6)', () => {
    const got = computeMeshServiceStatus(service([], { dataplaneTags: { 'kuma.io/service': 'backend' } }), [dp('a', [{ port: 1, tags: { 'kuma.io/service': 'backend' } }]), dp('b', [{ port: 1 }])], new Set());
    assert.deepEqual(got.dataplaneProxies, { connected: 0, healthy: 1, total: 1 });
  });
});

describe('applyMeshServiceStatus', () => {
  const status: MeshServiceStatus = {
    vips: [{ ip: '241.0.0.1' }],
    addresses: [{ hostname: 'b.svc.mesh.local', origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'g' } }],
    dataplaneProxies: { connected: 0, healthy: 1, total: 1 },
    conditions: [{ type: 'PortConflict', status: 'True', reason: 'PortsDiffer', message: 'x' }],
  };
  const spec: MeshServiceSpec = { state: 'Available', ports: [port80], identities: [{ type: 'ServiceTag', value: 'b' }] };
  const ok = { type: 'PortsMatched', status: 'True' as const, reason: 'AllPortsMatched', message: 'every port matches an inbound of the selected Dataplanes' };

  it('returns undefined when nothing changed', () => {
    const current = { spec, status: { ...status, conditions: [...(status.conditions ?? []), ok] } };
    assert.equal(applyMeshServiceStatus(current, { dataplaneProxies: { connected: 0, healthy: 1, total: 1 }, state: 'Available', portsMatched: ok }), undefined);
  });

  it('replaces only its own fields: VIPs, addresses, identities and other conditions are kept', () => {
    const got = applyMeshServiceStatus({ spec, status }, { dataplaneProxies: { connected: 1, healthy: 0, total: 2 }, state: 'Unavailable', portsMatched: ok });
    assert.deepEqual(got, {
      spec: { ...spec, state: 'Unavailable' },
      status: { ...status, conditions: [...(status.conditions ?? []), ok], dataplaneProxies: { connected: 1, healthy: 0, total: 2 } },
    });
  });

  it('writes the zero counts once for a fresh MeshService, and drops PortsMatched when nothing is selected', () => {
    const fresh = { spec: { state: 'Unavailable' as const } };
    assert.deepEqual(applyMeshServiceStatus(fresh, { dataplaneProxies: { connected: 0, healthy: 0, total: 0 }, state: 'Unavailable' }), {
      spec: { state: 'Unavailable' },
      status: { dataplaneProxies: { connected: 0, healthy: 0, total: 0 } },
    });
    const had = { spec, status: { dataplaneProxies: { connected: 0, healthy: 0, total: 0 }, conditions: [ok] } };
    assert.deepEqual(applyMeshServiceStatus(had, { dataplaneProxies: { connected: 0, healthy: 0, total: 0 }, state: 'Unavailable' })?.status, {
      dataplaneProxies: { connected: 0, healthy: 0, total: 0 },
    });
  });
});
