/**
 * End to end in one process, with real parts only: a SQLite file, the REST API on 127.0.0.1 port 0
 * (Dataplanes applied with PUT as a user would), the zone controllers with real timers and the
 * real VIP allocator. Checks the scenario through the API and that the grace period runs
 * on the runner's timer, not on a test's settle().
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { startApiServer } from '../../src/api/server.js';
import type { AdmissionContext } from '../../src/core/admission.js';
import { systemClock } from '../../src/core/clock.js';
import { VipAllocator } from '../../src/controllers/vip-allocator.js';
import { startZoneControllers, type ZoneControllers } from '../../src/controllers/zone-controllers.js';
import { ResourceManager } from '../../src/manager/resource-manager.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore, StoreEvent } from '../../src/store/store.js';

const GRACE_MS = 400;
const admission: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

interface MeshServiceBody {
  spec: { ports: { name: string; port: number; targetPort: number; appProtocol: string }[]; state: string };
  labels: Record<string, string>;
  status: { vips?: { ip: string }[]; addresses?: { hostname: string }[]; dataplaneProxies?: { total?: number; healthy?: number }; conditions?: { type: string; message: string }[] };
}

/** Resolves with the first store event that makes `check` true, or fails after `ms`. */
function waitFor(store: ResourceStore, what: string, check: () => Promise<boolean>, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (err) reject(err);
      else resolve();
    };
    const attempt = () => void check().then((ok) => ok && finish(), finish);
    const timer = setTimeout(() => finish(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    const unsubscribe = store.watch((_e: StoreEvent) => attempt());
    attempt();
  });
}

describe('Universal generation end to end (SQLite, REST, real timers)', () => {
  let dir = '';
  let store: ResourceStore;
  let controllers: ZoneControllers;
  let api: { url: string; close(): Promise<void> };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshplane-generation-'));
    store = await openStore(`sqlite:${join(dir, 'cp.db')}`);
    const logger = pino({ level: 'silent' });
    const metrics = new Registry();
    const manager = new ResourceManager({ store, admission });
    await manager.ensureDefaultMesh();
    api = await startApiServer({ manager, store, admission, logger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1 << 20, version: 'test', config: {}, metrics });
    controllers = await startZoneControllers({
      store,
      clock: systemClock,
      logger,
      metrics,
      config: { zone: 'zone-1', deletionGracePeriodMs: GRACE_MS },
      extraControllers: (cache) => [new VipAllocator({ cache, store, logger, metrics })],
    });
  });

  after(async () => {
    await controllers.stop();
    await api.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${api.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(res.status === 200 || res.status === 201, `PUT ${path}: ${res.status} ${await res.text()}`);
  };
  const del = async (path: string) => assert.equal((await fetch(`${api.url}${path}`, { method: 'DELETE' })).status, 200);
  const backend = async (): Promise<MeshServiceBody | undefined> => {
    const res = await fetch(`${api.url}/meshes/default/meshservices/backend`);
    return res.status === 200 ? ((await res.json()) as MeshServiceBody) : undefined;
  };
  const dataplane = (name: string, address: string, inbound: object) => ({ type: 'Dataplane', mesh: 'default', name, networking: { address, inbound: [inbound] } });

  it('two Dataplanes -> backend with hostname, VIP and 2 proxies; a third on 9090 -> a conflict condition', async () => {
    await put('/meshes/default', { type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } });
    const started = performance.now();
    await put('/meshes/default/dataplanes/backend-1', dataplane('backend-1', '127.0.0.2', { port: 8080, name: 'main', tags: { 'kuma.io/service': 'backend' } }));
    await put('/meshes/default/dataplanes/backend-2', dataplane('backend-2', '127.0.0.3', { port: 8080, tags: { 'kuma.io/service': 'backend' } }));
    await waitFor(store, 'backend with a VIP, a hostname and 2 proxies', async () => {
      const ms = await backend();
      return !!ms?.status.vips?.length && !!ms.status.addresses?.length && ms.status.dataplaneProxies?.total === 2;
    });
    const elapsed = performance.now() - started;
    const ms = await backend();
    assert.deepEqual(ms?.spec.ports, [{ name: 'main', port: 8080, targetPort: 8080, appProtocol: 'tcp' }]);
    assert.deepEqual(ms?.status.addresses?.map((a) => a.hostname), ['backend.svc.mesh.local']);
    assert.match(ms?.status.vips?.[0]?.ip ?? '', /^241\./);
    assert.equal(ms?.spec.state, 'Available');
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);

    await put('/meshes/default/dataplanes/backend-3', dataplane('backend-3', '127.0.0.4', { port: 9090, tags: { 'kuma.io/service': 'backend' } }));
    await waitFor(store, 'a PortConflict condition', async () => !!(await backend())?.status.conditions?.some((c) => c.type === 'PortConflict'));
    const conflicted = await backend();
    assert.deepEqual(conflicted?.spec.ports, ms?.spec.ports);
    assert.deepEqual(conflicted?.status.vips, ms?.status.vips);
    assert.match(conflicted?.status.conditions?.find((c) => c.type === 'PortConflict')?.message ?? '', /^Dataplanes backend-3 expose ports \[9090\]/);
  });

  it('removing every Dataplane starts the grace period; the runner deletes backend on its own timer', async () => {
    for (const n of ['backend-1', 'backend-2', 'backend-3']) await del(`/meshes/default/dataplanes/${n}`);
    await waitFor(store, 'the grace label', async () => (await backend())?.labels['kuma.io/deletion-grace-period-started-at'] !== undefined);
    const startedAt = Date.parse((await backend())?.labels['kuma.io/deletion-grace-period-started-at'] ?? '');
    await waitFor(store, 'backend to be deleted', async () => (await backend()) === undefined, GRACE_MS + 3000);
    assert.ok(Date.now() - startedAt > GRACE_MS, 'not deleted before the grace period ended');
  });
});
