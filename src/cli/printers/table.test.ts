import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meshServiceDescriptor } from '../../resources/mesh-service/descriptor.js';
import { zoneDescriptor } from '../../resources/zone/descriptor.js';
import { resourceTable } from './resource-table.js';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('aligns columns with three spaces and no padding after the last column', () => {
    assert.equal(
      renderTable(['MESH', 'NAME'], [
        ['default', 'example'],
        ['playground', 'demo'],
      ]),
      'MESH         NAME\ndefault      example\nplayground   demo\n',
    );
  });

  it('prints only the header when there are no rows', () => {
    assert.equal(renderTable(['NAME', 'AGE'], []), 'NAME   AGE\n');
  });

  it('shows empty and missing cells as -', () => {
    assert.equal(renderTable(['A', 'B', 'C'], [['x', '', 'z'], ['y']]), 'A   B   C\nx   -   z\ny   -   -\n');
  });
});

describe('resourceTable', () => {
  const now = new Date('2026-01-01T00:10:00Z');

  it('lists a mesh-scoped kind: NAME, MESH, the kind columns, AGE', () => {
    const item = {
      type: 'MeshService',
      mesh: 'default',
      name: 'redis',
      creationTime: '2026-01-01T00:00:00Z',
      modificationTime: '2026-01-01T00:05:00Z',
      kri: 'kri_msvc_default_default__redis_',
      spec: { state: 'Available', selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port: 6379, targetPort: 6379, appProtocol: 'tcp' }] },
      status: {
        vips: [{ ip: '241.0.0.1' }],
        addresses: [{ hostname: 'redis.svc.mesh.local' }],
        dataplaneProxies: { connected: 1, healthy: 1, total: 2 },
        tls: {},
      },
    };
    const pending = {
      type: 'MeshService',
      mesh: 'default',
      name: 'backend',
      creationTime: '2026-01-01T00:09:55Z',
      modificationTime: '2026-01-01T00:09:55Z',
      spec: { state: 'Unavailable', ports: [{ port: 80, targetPort: 8080, appProtocol: 'http' }] },
      status: { tls: {}, dataplaneProxies: {} },
    };
    assert.equal(
      resourceTable(meshServiceDescriptor, [pending, item], now),
      [
        'NAME      MESH      PORTS            VIPS        HOSTNAMES              PROXIES   STATE         AGE',
        'backend   default   80->8080/http    -           -                      0/0/0     Unavailable   5s',
        'redis     default   6379->6379/tcp   241.0.0.1   redis.svc.mesh.local   1/1/2     Available     10m',
        '',
      ].join('\n'),
    );
  });

  it('leaves MESH out for a global kind', () => {
    const zone = { type: 'Zone', name: 'zone-1', creationTime: '2025-12-30T00:10:00Z', modificationTime: '2025-12-30T00:10:00Z' };
    const header = resourceTable(zoneDescriptor, [zone], now).split('\n')[0] ?? '';
    assert.ok(header.startsWith('NAME   '), header);
    assert.ok(!header.includes('MESH'), header);
    assert.ok(resourceTable(zoneDescriptor, [zone], now).includes('zone-1'));
    assert.ok(resourceTable(zoneDescriptor, [zone], now).trimEnd().endsWith('2d'));
  });
});
