/**
 * Keeps the benchmark harness from rotting: the smallest generation case runs in-process (the same
 * function the child processes run) and must produce a complete, plausible result, and the table
 * printer must lay out what the scenarios return. The real runs are `npm run bench`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable } from './run.js';
import { runCase } from './scenarios/generation.js';
import { legacyVipsOf } from '../src/ipam/legacy-vip-records.js';
import { populate } from './support/populate.js';
import { syntheticMesh } from './support/synthetic-mesh.js';
import { startBenchZone } from './support/zone-control-plane.js';

describe('bench harness', () => {
  it('runs the smallest generation case in-process and returns every figure', async () => {
    const r = await runCase({ dataplanes: 60, services: 30, store: 'memory', singles: 2, timeoutMs: 30_000 });
    assert.equal(r.dataplanes, 60);
    assert.equal(r.services, 30);
    assert.equal(r.singles, 2);
    for (const key of ['ingestMs', 'allReadyMs', 'idleMs', 'cpuMs', 'singleP50Ms', 'singleP99Ms', 'heapPerDataplaneKb', 'rssTotalMb'] as const) {
      assert.equal(typeof r[key], 'number', key);
      assert.ok(Number.isFinite(r[key]), `${key} is ${r[key]}`);
    }
    assert.ok(r.allReadyMs >= r.ingestMs - 1, 'ready cannot come before the last Dataplane was stored');
    assert.ok(r.idleMs >= r.allReadyMs, 'idle comes after ready');
    assert.ok(r.singleP50Ms > 0 && r.singleP50Ms <= r.singleP99Ms);
    assert.ok((r.controllerPasses.component_meshservice_generator ?? 0) > 0, 'the generator ran');
  });

  it('populates a mesh for the xDS scenarios: returns once every service has its VIP, hostname and legacy VIP', async () => {
    const zone = await startBenchZone({ store: 'memory' });
    try {
      const mesh = await populate(zone, { services: 12, dataplanes: 30, mode: 'Everywhere', timeoutMs: 30_000 });
      const legacy = legacyVipsOf(zone.controllers.cache, 'default');
      assert.deepEqual(mesh.services.map((s) => s.name).filter((name) => !legacy.has(name)), []);
    } finally {
      await zone.stop();
    }
  });

  it('builds the same synthetic mesh every time: 2-10 Dataplanes per service, 1-3 ports', () => {
    const a = syntheticMesh({ services: 20, dataplanes: 90 });
    const b = syntheticMesh({ services: 20, dataplanes: 90 });
    assert.deepEqual(a.dataplanes, b.dataplanes);
    assert.equal(a.dataplanes.length, 90);
    for (const s of a.services) {
      assert.ok(s.dataplanes.length >= 2 && s.dataplanes.length <= 10, `${s.name}: ${s.dataplanes.length} Dataplanes`);
      assert.ok(s.ports.length >= 1 && s.ports.length <= 3, `${s.name}: ${s.ports.length} ports`);
    }
    assert.throws(() => syntheticMesh({ services: 10, dataplanes: 5 }), /cannot serve 10 services/);
  });

  it('prints a table with one column per key and numbers aligned right', () => {
    const table = formatTable([
      { name: 'a', ms: 1.5 },
      { name: 'bbb', ms: 20, extra: 'x' },
    ]);
    assert.equal(table, ['name   ms  extra', '----  ---  -----', 'a     1.5', 'bbb    20  x'].join('\n'));
  });
});
