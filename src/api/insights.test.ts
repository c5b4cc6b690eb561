import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { dataplaneStats, globalInsight, meshInsight } from './insights.js';

const dp = (mesh: string, name: string, gateway?: 'BUILTIN' | 'DELEGATED'): Resource => ({
  type: 'Dataplane',
  mesh,
  name,
  labels: {},
  creationTime: 't0',
  modificationTime: 't0',
  version: 1,
  spec: { networking: { address: '127.0.0.1', ...(gateway ? { gateway: { type: gateway, tags: { 'kuma.io/service': name } } } : {}) } },
});

describe('insights count a proxy online while it has an xDS stream here', () => {
  const dataplanes = [dp('default', 'web-1'), dp('default', 'web-2'), dp('default', 'edge', 'BUILTIN'), dp('other', 'web-1')];
  const connected = new Set(['default.web-1', 'default.edge']);

  it('by kind of proxy, matching mesh and name', () => {
    assert.deepEqual(dataplaneStats(dataplanes, connected), {
      standard: { offline: 2, online: 1, partiallyDegraded: 0, total: 3 },
      gatewayBuiltin: { offline: 0, online: 1, partiallyDegraded: 0, total: 1 },
      gatewayDelegated: { offline: 0, online: 0, partiallyDegraded: 0, total: 0 },
    });
  });

  it('every proxy is offline without connections (a global control plane serves no xDS)', () => {
    const stats = dataplaneStats(dataplanes);
    assert.equal(stats.standard.online + stats.gatewayBuiltin.online, 0);
  });

  it('in the mesh and global insights', () => {
    const mesh = { type: 'Mesh', mesh: '', name: 'default', labels: {}, creationTime: 't0', modificationTime: 't0', version: 1, spec: {} };
    const inDefault = dataplanes.filter((d) => d.mesh === 'default');
    const m = meshInsight({ mesh, now: new Date(0), totals: new Map(), dataplanes: inDefault, meshServices: [], connected });
    assert.deepEqual(m.dataplanes, { offline: 1, online: 2, partiallyDegraded: 0, total: 3 });
    assert.deepEqual((m.dataplanesByType as Record<string, unknown>).gateway, { offline: 0, online: 1, partiallyDegraded: 0, total: 1 });
    const g = globalInsight({ now: new Date(0), totals: new Map(), dataplanes, meshServices: [], connected });
    assert.equal(((g.dataplanes as Record<string, { online: number }>).standard ?? { online: -1 }).online, 1);
  });
});
