/** The MeshMultiZoneService the plan creates for a service spread over zones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiZoneServiceFor } from './services.js';

describe('multiZoneServiceFor', () => {
  it('selects the display name alone and takes every port number once, named ports keeping their name', () => {
    const spec = multiZoneServiceFor('api', [
      { zone: 'east', name: 'api', state: 'exists', ports: [{ port: 8080, name: 'http', appProtocol: 'http' }] },
      { zone: 'west', name: 'api', state: 'generated', ports: [{ port: 9090, name: '9090', appProtocol: 'grpc' }, { port: 8080, name: '8080', appProtocol: 'tcp' }] },
    ]);
    assert.deepEqual(spec, {
      selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'api' } } },
      ports: [
        { name: 'http', port: 8080, appProtocol: 'http' },
        { port: 9090, appProtocol: 'grpc' },
      ],
    });
  });
});
