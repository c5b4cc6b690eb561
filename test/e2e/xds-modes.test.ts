/**
 * End to end, with gRPC's own xDS client (@grpc/grpc-js-xds, in child processes) as the proxy:
 * resources in a real store -> ResourceCache -> ProxySync -> SnapshotCache -> ADS server on
 * 127.0.0.1 -> real RPCs to two echo backends that the MeshService `backend` selects. Each step
 * changes one resource and waits (with a deadline) for the clients' RPCs to show the effect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ResourceCache } from '../../src/controllers/resource-cache.js';
import type { Resource } from '../../src/core/resource.js';
import type { DataplaneSpec } from '../../src/resources/dataplane/types.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { SnapshotCache } from '../../src/xds/cache.js';
import { resourceFromDocument } from '../../src/xds/generators/input-fixtures.js';
import { XDS_INPUT_KINDS } from '../../src/xds/proxy-context.js';
import { ProxySync } from '../../src/xds/proxy-sync.js';
import { startXdsServer, type XdsServer } from '../../src/xds/server/ads-server.js';
import { startEchoBackend, type EchoBackend } from '../support/xds-clients/echo-service.js';
import { XdsClientProcess } from '../support/xds-clients/xds-client-process.js';

describe('xDS per migration mode, seen by gRPC proxyless clients', () => {
  const store = new MemoryStore();
  const cache = new ResourceCache({ store, types: XDS_INPUT_KINDS });
  const snapshots = new SnapshotCache();
  const sync = new ProxySync({ cache, snapshots, logger: pino({ level: 'silent' }) });
  let server: XdsServer;
  let backends: EchoBackend[] = [];
  let msClient: XdsClientProcess;
  let legacyClient: XdsClientProcess;

  async function create(doc: Record<string, unknown>): Promise<void> {
    await store.create(resourceFromDocument(doc));
  }

  async function update(type: string, name: string, change: (r: Resource) => Resource): Promise<void> {
    const current = cache.get({ type, mesh: type === 'Mesh' ? '' : 'default', name });
    assert.ok(current, `${type} ${name}`);
    await store.update(change(current));
  }

  const setMode = (mode: string) => update('Mesh', 'default', (r) => ({ ...r, spec: { meshServices: { mode } } }));

  before(async () => {
    backends = [await startEchoBackend('backend-a'), await startEchoBackend('backend-b')];
    await create({ type: 'Mesh', name: 'default', meshServices: { mode: 'Everywhere' } });
    for (const [i, b] of backends.entries()) {
      await create({
        type: 'Dataplane',
        mesh: 'default',
        name: `backend-${i + 1}`,
        networking: { address: '127.0.0.1', inbound: [{ port: b.port, name: 'main', tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }] },
      });
    }
    for (const [i, name] of ['web-1', 'web-2'].entries()) {
      await create({ type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', inbound: [{ port: i + 1, tags: { 'kuma.io/service': 'web' } }] } });
    }
    await create({
      type: 'MeshService',
      mesh: 'default',
      name: 'backend',
      spec: { selector: { dataplaneTags: { 'kuma.io/service': 'backend' } }, ports: [{ name: 'grpc', port: 8080, targetPort: 'main', appProtocol: 'grpc' }] },
      status: { vips: [{ ip: '241.0.0.1' }], addresses: [{ hostname: 'backend.svc.mesh.local', origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'local' } }] },
    });
    await store.create({ type: 'LegacyVip', mesh: 'default', name: 'backend', labels: {}, spec: { service: 'backend', vip: '240.0.0.1' } });
    await store.create({ type: 'LegacyVip', mesh: 'default', name: 'web', labels: {}, spec: { service: 'web', vip: '240.0.0.2' } });
    await cache.start();
    sync.start();
    server = await startXdsServer({
      cache: snapshots,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      onConnect: (id, node) => sync.onConnect(id, node),
      onDisconnect: (id) => sync.onDisconnect(id),
    });
    msClient = new XdsClientProcess({ xdsServer: server.address, nodeId: 'default.web-1', target: 'backend.svc.mesh.local:8080' });
    legacyClient = new XdsClientProcess({ xdsServer: server.address, nodeId: 'default.web-2', target: 'backend.mesh' });
  });

  after(async () => {
    await Promise.all([msClient?.stop(), legacyClient?.stop()]);
    sync.stop();
    cache.stop();
    await server?.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it('Everywhere: the MeshService hostname and the legacy `<service>.mesh` both spread RPCs over both backends', async () => {
    await msClient.until(msClient.bothAnsweredSince(0), 20_000, 'backend.svc.mesh.local:8080 answered by both backends');
    await legacyClient.until(legacyClient.bothAnsweredSince(0), 20_000, 'backend.mesh answered by both backends');
    assert.deepEqual(sync.connectedNodes, ['default.web-1', 'default.web-2']);
  });

  it('an inbound turning NotReady leaves the rotation', async () => {
    await update('Dataplane', 'backend-2', (r) => {
      const spec = r.spec as DataplaneSpec;
      const inbound = (spec.networking?.inbound ?? []).map((i) => ({ ...i, state: 'NotReady' as const }));
      return { ...r, spec: { ...spec, networking: { ...spec.networking, inbound } } };
    });
    await msClient.until((c) => c.streak.backend === 'backend-a' && c.streak.count >= 30, 10_000, '30 RPCs in a row answered by backend-a');
    await legacyClient.until((c) => c.streak.backend === 'backend-a' && c.streak.count >= 30, 10_000, 'legacy: 30 RPCs in a row by backend-a');
    await update('Dataplane', 'backend-2', (r) => {
      const spec = r.spec as DataplaneSpec;
      const inbound = (spec.networking?.inbound ?? []).map(({ state: _state, ...i }) => i);
      return { ...r, spec: { ...spec, networking: { ...spec.networking, inbound } } };
    });
    const now = Date.now();
    await msClient.until(msClient.bothAnsweredSince(now), 10_000, 'backend-b back in the rotation');
  });

  it('Exclusive: the legacy listener goes away, the MeshService keeps answering', async () => {
    const errorsBefore = legacyClient.until(() => true, 1_000, 'a report');
    const before = (await errorsBefore).errors;
    await setMode('Exclusive');
    await legacyClient.until((c) => c.errors > before + 3, 10_000, 'backend.mesh RPCs failing');
    const now = Date.now();
    await msClient.until(msClient.bothAnsweredSince(now), 10_000, 'MeshService still answered by both');
  });

  /**
   * The "gets it back" half uses a new client process: @grpc/grpc-js-xds 1.14 keeps the content of
   * a Listener that SotW deleted and, when the same Listener is sent again, finds it unchanged and
   * never tells its resolver, so an already-running client stays on "LDS resource does not exist".
   */
  it('ReachableBackends: a proxy that does not name the MeshService loses it, and gets it once it does', async () => {
    const before = (await msClient.until(() => true, 1_000, 'a report')).errors;
    await setMode('ReachableBackends');
    await msClient.until((c) => c.errors > before + 3, 10_000, 'MeshService RPCs failing without reachableBackends');
    await update('Dataplane', 'web-1', (r) => {
      const spec = r.spec as DataplaneSpec;
      const transparentProxying = { reachableBackends: { refs: [{ kind: 'MeshService', name: 'backend' }] } };
      return { ...r, spec: { ...spec, networking: { ...spec.networking, transparentProxying } } };
    });
    const fresh = new XdsClientProcess({ xdsServer: server.address, nodeId: 'default.web-1', target: 'backend.svc.mesh.local:8080' });
    try {
      await fresh.until(fresh.bothAnsweredSince(0), 20_000, 'MeshService answered after naming it');
    } finally {
      await fresh.stop();
    }
    const web2 = new XdsClientProcess({ xdsServer: server.address, nodeId: 'default.web-2', target: 'backend.svc.mesh.local:8080' });
    try {
      await web2.until((c) => c.errors >= 3 && Object.keys(c.counts).length === 0, 10_000, 'web-2, which names nothing, fails to reach it');
    } finally {
      await web2.stop();
    }
  });
});
