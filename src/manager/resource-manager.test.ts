import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdmissionContext } from '../core/admission.js';
import { ManualClock } from '../core/clock.js';
import {
  MeshNotFoundError,
  ReadOnlyResourceError,
  ResourceConflictError,
  ResourceInUseError,
  ResourceNotFoundError,
  ValidationError,
} from '../core/errors.js';
import { kindByName } from '../core/registry.js';
import type { NewResource, Resource } from '../core/resource.js';
import { parseDocument, type ParsedDocument } from '../core/wire.js';
import { MemoryStore } from '../store/memory-store.js';
import type { UpdateRequest } from '../store/store.js';
import { ResourceManager } from './resource-manager.js';

const ZONE: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };
const GLOBAL: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };

function doc(raw: Record<string, unknown>): ParsedDocument {
  const parsed = parseDocument(raw);
  if (!parsed.ok) throw new Error(`test document does not parse: ${JSON.stringify(parsed.violations)}`);
  return parsed.doc;
}

const redis = (port = 6379): Record<string, unknown> => ({
  type: 'MeshService',
  mesh: 'default',
  name: 'redis',
  spec: { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port, targetPort: port }] },
});

async function setup(ctx: AdmissionContext = ZONE): Promise<{ store: MemoryStore; manager: ResourceManager }> {
  const store = new MemoryStore({ clock: new ManualClock() });
  const manager = new ResourceManager({ store, admission: ctx });
  await manager.ensureDefaultMesh();
  return { store, manager };
}

describe('ResourceManager', () => {
  it('creates, then updates keeping creationTime and the stored status', async () => {
    const { store, manager } = await setup();
    const first = await manager.apply(doc(redis()));
    assert.equal(first.created, true);
    assert.deepEqual(first.resource.labels, {
      'kuma.io/display-name': 'redis',
      'kuma.io/env': 'universal',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'zone-1',
    });
    const status = { vips: [{ ip: '241.0.0.1' }], tls: {}, dataplaneProxies: {} };
    await store.update({ ...first.resource, status, version: first.resource.version });
    const second = await manager.apply(doc({ ...redis(6380), status: { vips: [{ ip: '10.9.9.9' }] } }));
    assert.equal(second.created, false);
    assert.deepEqual(second.resource.status, status);
    assert.equal((second.resource.spec as { ports: { port: number }[] }).ports[0]?.port, 6380);
    assert.equal(second.resource.version, 3);
  });

  it('takes the mesh from opts when the document has none, and requires one for mesh-scoped kinds', async () => {
    const { manager } = await setup();
    const { mesh: _m, ...noMesh } = redis();
    const r = await manager.apply(doc(noMesh), { mesh: 'default' });
    assert.equal(r.resource.mesh, 'default');
    await assert.rejects(manager.apply(doc(noMesh)), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.violations, [{ field: 'mesh', message: 'must be defined' }]);
      return true;
    });
  });

  it('refuses a mesh-scoped write to a mesh that does not exist', async () => {
    const { store, manager } = await setup();
    await assert.rejects(manager.apply(doc({ ...redis(), mesh: 'nope' })), MeshNotFoundError);
    assert.equal((await store.list({ type: 'MeshService' })).total, 0);
  });

  it('throws ValidationError with every violation and stores nothing', async () => {
    const { store, manager } = await setup();
    const bad = { ...redis(), name: 'aa.a', spec: { ports: [{ port: 70000 }] } };
    await assert.rejects(manager.apply(doc(bad)), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(
        e.violations.map((v) => v.field),
        ['name', 'spec.ports[0].port'],
      );
      return true;
    });
    assert.equal((await store.list({ type: 'MeshService' })).total, 0);
  });

  it('returns parse and schema warnings', async () => {
    const { manager } = await setup();
    const raw = redis();
    (raw.spec as { ports: Record<string, unknown>[] }).ports[0] = { port: 1, protocol: 'tcp' };
    const r = await manager.apply(doc(raw));
    assert.deepEqual(r.warnings, ['spec.ports[0].protocol: unknown field, ignored']);
  });

  it('on global, refuses writes and deletes of zone-provided kinds but accepts global ones', async () => {
    const { manager } = await setup(GLOBAL);
    await assert.rejects(manager.apply(doc(redis())), (e: unknown) => {
      assert.ok(e instanceof ReadOnlyResourceError);
      assert.match(e.message, /^On global control plane you can not modify MeshService resources/);
      return true;
    });
    await assert.rejects(manager.delete(kindByName('MeshService'), 'default', 'redis'), ReadOnlyResourceError);
    const mesh = await manager.apply(doc({ type: 'Mesh', name: 'other' }));
    assert.equal(mesh.created, true);
  });

  it('get and delete answer not found, then delete returns what it removed', async () => {
    const { manager } = await setup();
    const kind = kindByName('MeshService');
    await assert.rejects(manager.get(kind, 'default', 'redis'), ResourceNotFoundError);
    await assert.rejects(manager.get(kind, 'nope', 'redis'), MeshNotFoundError);
    await manager.apply(doc(redis()));
    const gone = await manager.delete(kind, 'default', 'redis');
    assert.equal(gone.name, 'redis');
    await assert.rejects(manager.delete(kind, 'default', 'redis'), ResourceNotFoundError);
  });

  it('refuses to delete a mesh that still holds resources, naming them', async () => {
    const { manager } = await setup();
    await manager.apply(doc(redis()));
    await assert.rejects(manager.delete(kindByName('Mesh'), '', 'default'), (e: unknown) => {
      assert.ok(e instanceof ResourceInUseError);
      assert.match(e.message, /mesh 'default' still contains 1 MeshService; delete them first/);
      return true;
    });
    await manager.delete(kindByName('MeshService'), 'default', 'redis');
    await manager.delete(kindByName('Mesh'), '', 'default');
  });

  it('ensureDefaultMesh creates once', async () => {
    const { manager } = await setup();
    assert.equal(await manager.ensureDefaultMesh(), false);
    assert.equal(await manager.ensureDefaultMesh('second'), true);
    assert.equal((await manager.get(kindByName('Mesh'), '', 'second')).name, 'second');
  });

  it('lists with filters and checks the mesh', async () => {
    const { manager } = await setup();
    await manager.apply(doc(redis()));
    await manager.apply(doc({ ...redis(), name: 'web', labels: { team: 'a' } }));
    const kind = kindByName('MeshService');
    assert.deepEqual(
      (await manager.list(kind, { mesh: 'default', labels: { team: 'a' } })).items.map((r) => r.name),
      ['web'],
    );
    assert.equal((await manager.list(kind, { nameContains: 'edi' })).total, 1);
    await assert.rejects(manager.list(kind, { mesh: 'nope' }), MeshNotFoundError);
  });

  it('retries once when a concurrent writer changes the resource between read and update', async () => {
    const inner = new MemoryStore();
    let raced = false;
    // A store whose first update loses a race: someone else writes just before it.
    const store = Object.assign(Object.create(inner) as MemoryStore, {
      update: async (req: UpdateRequest): Promise<Resource> => {
        if (!raced) {
          raced = true;
          const current = await inner.get(req);
          if (current) await inner.update({ ...current, version: current.version });
          throw new ResourceConflictError(req, req.version, req.version + 1);
        }
        return inner.update(req);
      },
      create: (r: NewResource) => inner.create(r),
      get: inner.get.bind(inner),
      list: inner.list.bind(inner),
    });
    const manager = new ResourceManager({ store, admission: ZONE });
    await manager.ensureDefaultMesh();
    await manager.apply(doc(redis()));
    const r = await manager.apply(doc(redis(7000)));
    assert.equal(raced, true);
    assert.equal(r.resource.version, 3);
    assert.equal((r.resource.spec as { ports: { port: number }[] }).ports[0]?.port, 7000);
  });
});
