import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMeshMultiZoneServiceStatus, computeMeshMultiZoneServiceStatus } from './status.js';

const mmzs = { mesh: 'default', spec: { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } }, ports: [{ port: 80, appProtocol: 'http' }] } };
const backendEast = { mesh: 'default', name: 'backend', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' } };
const backendWest = { mesh: 'default', name: 'backend-syncedhash', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'west', 'kuma.io/origin': 'global' } };
const web = { mesh: 'default', name: 'web', labels: { 'kuma.io/display-name': 'web', 'kuma.io/zone': 'east' } };
const otherMesh = { mesh: 'other', name: 'backend', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' } };

describe('computeMeshMultiZoneServiceStatus (semantics 6.3)', () => {
  it('matches by labels, local and synced alike, sorted, whatever the input order', () => {
    const expected = {
      meshServices: [
        { name: 'backend', namespace: '', zone: 'east', mesh: 'default' },
        { name: 'backend', namespace: '', zone: 'west', mesh: 'default' },
      ],
      condition: { type: 'MeshServicesMatched', status: 'True', reason: 'MatchesFound', message: 'Matched 2 MeshService(s)' },
    };
    assert.deepEqual(computeMeshMultiZoneServiceStatus(mmzs, [backendWest, web, backendEast]), expected);
    assert.deepEqual(computeMeshMultiZoneServiceStatus(mmzs, [backendEast, backendWest, web]), expected);
  });

  it('never matches a MeshService of another mesh (Kuma quirk Q7 fixed)', () => {
    assert.deepEqual(computeMeshMultiZoneServiceStatus(mmzs, [otherMesh]).meshServices, []);
  });

  it('no match: False / NoMatchesFound with Kuma\'s message', () => {
    assert.deepEqual(computeMeshMultiZoneServiceStatus(mmzs, [web]).condition, {
      type: 'MeshServicesMatched',
      status: 'False',
      reason: 'NoMatchesFound',
      message: 'Selector does not match any MeshService in this zone',
    });
  });
});

describe('applyMeshMultiZoneServiceStatus', () => {
  it('writes once, then nothing while unchanged; keeps VIPs and other conditions; flips back to False', () => {
    const first = applyMeshMultiZoneServiceStatus({ vips: [{ ip: '243.0.0.1' }] }, computeMeshMultiZoneServiceStatus(mmzs, [backendEast]));
    assert.deepEqual(first, {
      vips: [{ ip: '243.0.0.1' }],
      meshServices: [{ name: 'backend', namespace: '', zone: 'east', mesh: 'default' }],
      conditions: [{ type: 'MeshServicesMatched', status: 'True', reason: 'MatchesFound', message: 'Matched 1 MeshService(s)' }],
    });
    assert.equal(applyMeshMultiZoneServiceStatus(first, computeMeshMultiZoneServiceStatus(mmzs, [backendEast])), undefined);
    const withOther = { ...first, conditions: [{ type: 'Other', status: 'True' as const, reason: 'X', message: '' }, ...(first?.conditions ?? [])] };
    const gone = applyMeshMultiZoneServiceStatus(withOther, computeMeshMultiZoneServiceStatus(mmzs, []));
    assert.deepEqual(gone, {
      vips: [{ ip: '243.0.0.1' }],
      conditions: [
        { type: 'Other', status: 'True', reason: 'X', message: '' },
        { type: 'MeshServicesMatched', status: 'False', reason: 'NoMatchesFound', message: 'Selector does not match any MeshService in this zone' },
      ],
    });
  });
});
