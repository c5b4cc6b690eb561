import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edsCluster, loadAssignment } from '../../../test/support/xds-clients/baseline-resources.js';
import { encodeResource } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import type { DeltaDiscoveryResponse, DiscoveryResponse } from './ads-messages.js';
import { adsServiceDefinition } from './ads-service.js';
import { deltaResponseSize, sotwResponseSize } from './response-size.js';

/** What the server's gRPC codec actually writes: the reference the computed sizes must equal. */
function encodedSize(method: 'StreamAggregatedResources' | 'DeltaAggregatedResources', response: object): number {
  const codec = adsServiceDefinition()[method];
  assert.ok(codec);
  return codec.responseSerialize(response).length;
}

const endpoints = (n: number): { address: string; port: number }[] => Array.from({ length: n }, (_, i) => ({ address: `10.0.${Math.floor(i / 250)}.${i % 250}`, port: 8000 + i }));
const cla = (name: string, n: number) => encodeResource(TYPE_URL.clusterLoadAssignment, loadAssignment(name, endpoints(n)));

describe('xDS response sizes', () => {
  it('counts three one-byte strings as nine bytes (tag, length, byte each)', () => {
    assert.equal(sotwResponseSize({ version_info: '1', resources: [], type_url: 't', nonce: '2' }), 9);
    assert.equal(deltaResponseSize({ system_version_info: '1', resources: [], type_url: 't', removed_resources: [], nonce: '2' }), 9);
  });

  it('equals the codec for SotW responses of 0 to 10,000 endpoints, with empty and multi-byte strings', () => {
    const cases: DiscoveryResponse[] = [
      { version_info: '', resources: [], type_url: TYPE_URL.cluster, nonce: '' },
      { version_info: 'v1', resources: [encodeResource(TYPE_URL.cluster, edsCluster('backend'))], type_url: TYPE_URL.cluster, nonce: '12' },
      { version_info: 'ü-версия', resources: [cla('a', 1), cla('b', 10)], type_url: TYPE_URL.clusterLoadAssignment, nonce: '7' },
      { version_info: 'big', resources: [cla('c', 10_000), cla('d', 300)], type_url: TYPE_URL.clusterLoadAssignment, nonce: '123456' },
    ];
    for (const response of cases) assert.equal(sotwResponseSize(response), encodedSize('StreamAggregatedResources', response), response.version_info);
    assert.ok(encodedSize('StreamAggregatedResources', cases[3] as object) > 200_000, 'the big case needs multi-byte lengths');
  });

  it('equals the codec for delta responses with resources and removed names', () => {
    const cases: DeltaDiscoveryResponse[] = [
      { system_version_info: '', resources: [], type_url: TYPE_URL.cluster, removed_resources: [], nonce: '1' },
      { system_version_info: 'v', resources: [], type_url: TYPE_URL.cluster, removed_resources: ['gone', '', 'ünï'], nonce: '2' },
      {
        system_version_info: 'v2',
        resources: [
          { name: 'a', version: 'h1', resource: cla('a', 3) },
          { name: 'c', version: 'x'.repeat(200), resource: cla('c', 5_000) },
        ],
        type_url: TYPE_URL.clusterLoadAssignment,
        removed_resources: ['b'],
        nonce: '99',
      },
    ];
    for (const response of cases) assert.equal(deltaResponseSize(response), encodedSize('DeltaAggregatedResources', response), response.nonce);
  });
});
