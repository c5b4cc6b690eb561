import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels, Resource } from '../core/resource.js';
import type { TargetRef } from '../resources/shared/target-ref.js';
import { DestinationCatalog, destinationId } from './destination-catalog.js';
import { mergeConfs } from './merge-conf.js';
import { compareMergeOrder, mergeOrderKey } from './merge-order.js';
import { MeshPolicies, type PolicyResources } from './policy-index.js';

const policy = (name: string, labels: Labels = {}): { name: string; labels: Labels } => ({ name, labels });

function sorted(entries: { p: { name: string; labels: Labels }; top?: TargetRef; to?: TargetRef; id: string }[]): string[] {
  return entries
    .map((e) => ({ id: e.id, key: mergeOrderKey(e.p, e.top, e.to) }))
    .sort((a, b) => compareMergeOrder(a.key, b.key))
    .map((e) => e.id);
}

describe("Kuma's merge order (later wins)", () => {
  it('top-level kind first: Mesh < Dataplane < MeshSubset < MeshService', () => {
    const order = sorted([
      { id: 'service', p: policy('a'), top: { kind: 'MeshService', name: 'web' } },
      { id: 'dataplane', p: policy('a'), top: { kind: 'Dataplane', name: 'web-1' } },
      { id: 'mesh', p: policy('a'), top: { kind: 'Mesh' } },
      { id: 'subset', p: policy('a'), top: { kind: 'MeshSubset', tags: { team: 'a' } } },
    ]);
    assert.deepEqual(order, ['mesh', 'dataplane', 'subset', 'service']);
  });

  it('a Dataplane by name beats one by labels; with sectionName beats without', () => {
    const order = sorted([
      { id: 'name', p: policy('a'), top: { kind: 'Dataplane', name: 'web-1' } },
      { id: 'name+section', p: policy('a'), top: { kind: 'Dataplane', name: 'web-1', sectionName: 'main' } },
      { id: 'labels', p: policy('a'), top: { kind: 'Dataplane', labels: { app: 'web' } } },
    ]);
    assert.deepEqual(order, ['labels', 'name', 'name+section']);
  });

  it('then origin global < zone, then role system < producer < consumer < workload-owner', () => {
    const order = sorted([
      { id: 'zone', p: policy('a', { 'kuma.io/origin': 'zone' }) },
      { id: 'global', p: policy('a', { 'kuma.io/origin': 'global' }) },
      { id: 'unknown', p: policy('a') },
    ]);
    assert.deepEqual(order, ['global', 'unknown', 'zone']);
    const roles = sorted([
      { id: 'consumer', p: policy('a', { 'kuma.io/policy-role': 'consumer' }) },
      { id: 'workload-owner', p: policy('a', { 'kuma.io/policy-role': 'workload-owner' }) },
      { id: 'producer', p: policy('a', { 'kuma.io/policy-role': 'producer' }) },
      { id: 'system', p: policy('a') },
    ]);
    assert.deepEqual(roles, ['system', 'producer', 'consumer', 'workload-owner']);
  });

  it('then the to-entry kind (Mesh < MeshService), then MeshService without < with sectionName, then names reversed', () => {
    const order = sorted([
      { id: 'service+section', p: policy('a'), to: { kind: 'MeshService', name: 'b', sectionName: 'http' } },
      { id: 'service', p: policy('a'), to: { kind: 'MeshService', name: 'b' } },
      { id: 'mesh', p: policy('a'), to: { kind: 'Mesh' } },
    ]);
    assert.deepEqual(order, ['mesh', 'service', 'service+section']);
    assert.deepEqual(sorted([{ id: 'alpha', p: policy('alpha') }, { id: 'zulu', p: policy('zulu') }]), ['zulu', 'alpha'], 'alphabetically earlier merges later, so it wins');
  });

  it('the top-level kind outranks the to-entry kind: a Dataplane policy to Mesh beats a Mesh policy to a MeshService', () => {
    const order = sorted([
      { id: 'dp-to-mesh', p: policy('a'), top: { kind: 'Dataplane', name: 'web' }, to: { kind: 'Mesh' } },
      { id: 'mesh-to-service', p: policy('a'), top: { kind: 'Mesh' }, to: { kind: 'MeshService', name: 'b' } },
    ]);
    assert.deepEqual(order, ['mesh-to-service', 'dp-to-mesh']);
  });
});

describe('mergeConfs', () => {
  it('objects merge field by field, lists and scalars are replaced, and each leaf remembers who set it', () => {
    const merged = mergeConfs([
      { source: 'MeshRetry/a', conf: { http: { numRetries: 3, retryOn: ['5xx', 'Reset'] }, grpc: { numRetries: 1 } } },
      { source: 'MeshRetry/b', conf: { http: { retryOn: ['503'] } } },
    ]);
    assert.deepEqual(merged?.value, { http: { numRetries: 3, retryOn: ['503'] }, grpc: { numRetries: 1 } });
    assert.deepEqual(merged?.from, { 'http.numRetries': 'MeshRetry/a', 'http.retryOn': 'MeshRetry/b', 'grpc.numRetries': 'MeshRetry/a' });
    assert.deepEqual(merged?.sources, ['MeshRetry/a', 'MeshRetry/b']);
  });

  it('nothing to merge is undefined', () => {
    assert.equal(mergeConfs([{ source: 'x', conf: undefined }]), undefined);
  });
});

describe('policies per destination port (traffic doc 4.1, example 9)', () => {
  const stamp = { creationTime: '2025-01-01T00:00:00Z', modificationTime: '2025-01-01T00:00:00Z', version: 1 };
  const zone = { 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' };
  const backend: Resource = {
    type: 'MeshService',
    mesh: 'default',
    name: 'backend',
    labels: { ...zone, 'kuma.io/display-name': 'backend' },
    spec: { ports: [{ name: 'http', port: 80 }, { port: 9090 }] },
    ...stamp,
  };
  const timeout = (name: string, to: TargetRef, requestTimeout: string, connectionTimeout?: string): Resource => ({
    type: 'MeshTimeout',
    mesh: 'default',
    name,
    labels: { ...zone, 'kuma.io/display-name': name },
    spec: { to: [{ targetRef: to, default: { http: { requestTimeout }, ...(connectionTimeout ? { connectionTimeout } : {}) } }] },
    ...stamp,
  });
  const resources: PolicyResources = {
    MeshHTTPRoute: [],
    MeshTCPRoute: [],
    MeshRetry: [],
    MeshCircuitBreaker: [],
    MeshTimeout: [
      timeout('a-whole-service', { kind: 'MeshService', name: 'backend' }, '5s', '2s'),
      timeout('b-http-port', { kind: 'MeshService', name: 'backend', sectionName: 'http' }, '1s'),
      timeout('c-port-80', { kind: 'MeshService', name: 'backend', sectionName: '80' }, '9s'),
      timeout('d-mesh', { kind: 'Mesh' }, '30s', '10s'),
    ],
  };
  const policies = new MeshPolicies(resources, new DestinationCatalog([backend], []));
  const dataplane: Resource = { type: 'Dataplane', mesh: 'default', name: 'web', labels: zone, spec: { networking: { inbound: [{ port: 1 }] } }, ...stamp } as Resource;
  const proxy = policies.forProxy({ dataplane: dataplane as never, meshServices: [backend] });
  const conf = (section: string) => mergeConfs(proxy.forPort('MeshTimeout', destinationId('MeshService', 'backend'), section).map((e) => ({ conf: e.conf, source: e.source })));

  it('the named port gets Mesh, whole-service and its own entry merged (its own wins); sectionName "80" names no port', () => {
    const http = conf('http');
    assert.deepEqual(http?.value, { http: { requestTimeout: '1s' }, connectionTimeout: '2s' });
    assert.deepEqual(http?.from, { 'http.requestTimeout': 'MeshTimeout/b-http-port', connectionTimeout: 'MeshTimeout/a-whole-service' });
    assert.deepEqual(http?.sources, ['MeshTimeout/d-mesh', 'MeshTimeout/a-whole-service', 'MeshTimeout/b-http-port']);
  });

  it('the unnamed port gets Mesh and whole-service entries only', () => {
    assert.deepEqual(conf('9090')?.value, { http: { requestTimeout: '5s' }, connectionTimeout: '2s' });
  });

  it('a kuma.io/service destination gets only Mesh-wide entries', () => {
    assert.deepEqual(proxy.forPort('MeshTimeout', undefined, '80').map((e) => e.source), ['MeshTimeout/d-mesh']);
  });
});
