/** CRUD through the REST API on a real server: shapes, statuses and every error body. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceConflictError } from '../../src/core/errors.js';
import type { ResourceStore, UpdateRequest } from '../../src/store/store.js';
import { exportStore, type Harness, startHarness } from './api-harness.js';

const redis = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'MeshService',
  name: 'redis',
  mesh: 'default',
  spec: { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port: 6379, targetPort: 6379, appProtocol: 'tcp' }] },
  ...over,
});

const problem = (status: number, title: string, detail: string, params?: [string, string][]): Record<string, unknown> => {
  const base: Record<string, unknown> = { type: '/std-errors', status, title, detail };
  if (!params) return { ...base, details: detail };
  return {
    ...base,
    invalid_parameters: params.map(([field, reason]) => ({ field, reason })),
    details: detail,
    causes: params.map(([field, message]) => ({ field, message })),
  };
};

describe('REST CRUD on a zone control plane', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ zone: 'zone-1' });
  });
  after(async () => h.close());

  it('creates with 201 {}, reads the item in Kuma key order, updates with 200 {}', async () => {
    const created = await h.request('PUT', '/meshes/default/meshservices/redis', redis());
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, {});
    assert.match(created.contentType, /application\/json/);

    const got = await h.request('GET', '/meshes/default/meshservices/redis');
    assert.equal(got.status, 200);
    const item = got.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(item), [
      'type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels', 'kri', 'snis', 'spec', 'status',
    ]);
    assert.equal(item.kri, 'kri_msvc_default_zone-1__redis_');
    assert.deepEqual(item.snis, [{ port: 6379, sni: 'sni.msvc.default.zone-1.redis.6379' }]);
    assert.deepEqual(item.labels, {
      'kuma.io/display-name': 'redis',
      'kuma.io/env': 'universal',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'zone-1',
    });
    assert.deepEqual(item.status, { tls: {}, dataplaneProxies: {} });
    assert.equal(item.creationTime, '2026-01-01T00:00:00.000Z');

    h.clock.advance(60_000);
    const updated = await h.request('PUT', '/meshes/default/meshservices/redis', redis({ status: { vips: [{ ip: '1.2.3.4' }] } }));
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.json, {});
    const again = (await h.request('GET', '/meshes/default/meshservices/redis')).json as Record<string, unknown>;
    assert.equal(again.creationTime, '2026-01-01T00:00:00.000Z');
    assert.equal(again.modificationTime, '2026-01-01T00:01:00.000Z');
    assert.deepEqual(again.status, { tls: {}, dataplaneProxies: {} }, 'user status is ignored');
  });

  it('answers warnings in the PUT body', async () => {
    const r = await h.request('PUT', '/meshes/default/meshservices/no-selector', {
      type: 'MeshService', name: 'no-selector', mesh: 'default', spec: { ports: [{ port: 80 }] },
    });
    assert.equal(r.status, 201);
    const { warnings } = r.json as { warnings: string[] };
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^MeshService resource 'no-selector' has no selector/);
  });

  it('takes name and mesh from the URL when the body leaves them out', async () => {
    const r = await h.request('PUT', '/meshes/default/meshservices/from-url', { type: 'MeshService', spec: {} });
    assert.equal(r.status, 201, r.text);
    const got = (await h.request('GET', '/meshes/default/meshservices/from-url')).json as Record<string, unknown>;
    assert.equal(got.name, 'from-url');
    assert.equal(got.mesh, 'default');
  });

  it("refuses a body whose name, type or mesh differ from the URL with Kuma's messages", async () => {
    await h.request('PUT', '/meshes/other', { type: 'Mesh', name: 'other' });
    const r = await h.request('PUT', '/meshes/default/meshservices/redis', redis({ name: 'redis-2', mesh: 'other' }));
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json,
      problem(400, 'Could not process a resource', 'Resource is not valid', [
        ['name', 'name from the URL has to be the same as in body'],
        ['mesh', 'mesh from the URL has to be the same as in body'],
      ]),
    );
    const t = await h.request('PUT', '/meshes/default/meshmultizoneservices/redis', redis());
    assert.deepEqual(
      t.json,
      problem(400, 'Could not process a resource', 'Resource is not valid', [['type', 'type from the URL has to be the same as in body']]),
    );
  });

  it('titles validation failures by create or update', async () => {
    const bad = { ...redis(), spec: { ports: [{ port: 0 }] } };
    const create = await h.request('PUT', '/meshes/default/meshservices/fresh', { ...bad, name: 'fresh' });
    assert.deepEqual(
      create.json,
      problem(400, 'Failed to create a resource', 'Resource is not valid', [
        ['spec.ports[0].port', 'must be in inclusive range [1, 65535]; got 0'],
      ]),
    );
    const update = await h.request('PUT', '/meshes/default/meshservices/redis', bad);
    assert.equal(update.status, 400);
    assert.equal((update.json as { title: string }).title, 'Failed to update a resource');
  });

  it('answers malformed JSON with 400 naming the parse problem', async () => {
    const r = await h.request('PUT', '/meshes/default/meshservices/redis', '{"type": "MeshService",', { 'content-type': 'application/json' });
    assert.equal(r.status, 400);
    const body = r.json as Record<string, unknown>;
    assert.equal(body.title, 'Could not process a resource');
    assert.match(String(body.detail), /^request body is not valid JSON: /);
    const empty = await h.request('PUT', '/meshes/default/meshservices/redis');
    assert.equal(empty.status, 400);
    assert.match(String((empty.json as Record<string, unknown>).detail), /^request body is not valid JSON: /);
  });

  it('accepts a body sent without a JSON content type (curl -d)', async () => {
    const r = await h.request('PUT', '/meshes/default/meshservices/curl', JSON.stringify(redis({ name: 'curl' })), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(r.status, 201, r.text);
  });

  it('deletes with 200 {}, then answers 404 for get and delete', async () => {
    await h.request('PUT', '/meshes/default/meshservices/doomed', redis({ name: 'doomed' }));
    const del = await h.request('DELETE', '/meshes/default/meshservices/doomed');
    assert.equal(del.status, 200);
    assert.deepEqual(del.json, {});
    const get = await h.request('GET', '/meshes/default/meshservices/doomed');
    assert.deepEqual(get.json, problem(404, 'Could not retrieve a resource', 'Not found'));
    const again = await h.request('DELETE', '/meshes/default/meshservices/doomed');
    assert.deepEqual(again.json, problem(404, 'Could not delete a resource', 'Not found'));
  });

  it('answers 404 "Failed to retrieve Mesh" for any request in a mesh that does not exist', async () => {
    const want = problem(404, 'Failed to retrieve Mesh', 'Not found');
    const before = await exportStore(h.store);
    for (const [method, path, body] of [
      ['GET', '/meshes/nope/meshservices'],
      ['GET', '/meshes/nope/meshservices/redis'],
      ['PUT', '/meshes/nope/meshservices/redis', redis({ mesh: 'nope' })],
      ['DELETE', '/meshes/nope/meshservices/redis'],
    ] as [string, string, unknown?][]) {
      const r = await h.request(method, path, body);
      assert.deepEqual([r.status, r.json], [404, want], `${method} ${path}`);
    }
    assert.equal(await exportStore(h.store), before);
  });

  it('answers 404 problems naming an unknown or misplaced resource path', async () => {
    const unknown = await h.request('GET', '/meshes/default/foos');
    assert.equal(unknown.status, 404);
    assert.match(String((unknown.json as Record<string, unknown>).detail), /^unknown resource type 'foos'; known: meshes, dataplanes/);
    for (const path of ['/foos', '/foos/x', '/meshes/default/foos/x']) {
      const r = await h.request('GET', path);
      assert.equal(r.status, 404, path);
      assert.match(String((r.json as Record<string, unknown>).detail), /unknown resource type 'foos'/, path);
    }
    const zonesInMesh = await h.request('GET', '/meshes/default/zones');
    assert.deepEqual(zonesInMesh.json, problem(404, 'Not found', "'zones' are not mesh-scoped: use /zones/{name}"));
    const serviceWithoutMesh = await h.request('GET', '/meshservices/redis');
    assert.deepEqual(
      serviceWithoutMesh.json,
      problem(404, 'Not found', "'meshservices' are mesh-scoped: use /meshes/{mesh}/meshservices/{name}"),
    );
    const noRoute = await h.request('GET', '/a/b/c/d/e');
    assert.deepEqual(noRoute.json, problem(404, 'Not found', 'no route for GET /a/b/c/d/e'));
  });

  it('serves ?format=universal and rejects other formats like Kuma', async () => {
    assert.equal((await h.request('GET', '/meshes/default/meshservices/redis?format=universal')).status, 200);
    const k8s = await h.request('GET', '/meshes/default/meshservices/redis?format=k8s');
    assert.deepEqual(
      k8s.json,
      problem(400, 'Could not retrieve a resource', 'Resource is not valid', [['', '"format" must be one of ["universal"]']]),
    );
  });

  it('serves meshes at /meshes and /meshes/{name}, and refuses to delete a mesh with contents', async () => {
    const put = await h.request('PUT', '/meshes/empty', { type: 'Mesh', name: 'empty', meshServices: { mode: 'Exclusive' } });
    assert.equal(put.status, 201, put.text);
    const got = (await h.request('GET', '/meshes/empty')).json as Record<string, unknown>;
    assert.deepEqual(Object.keys(got), ['type', 'name', 'creationTime', 'modificationTime', 'kri', 'meshServices']);
    assert.deepEqual(got.meshServices, { mode: 'Exclusive' });
    const list = (await h.request('GET', '/meshes')).json as { total: number; items: { name: string }[] };
    assert.deepEqual(list.items.map((m) => m.name), ['default', 'empty', 'other']);

    const inUse = await h.request('DELETE', '/meshes/default');
    assert.equal(inUse.status, 409);
    assert.match(String((inUse.json as Record<string, unknown>).detail), /^mesh 'default' still contains \d+ MeshService; delete them first/);
    assert.equal((await h.request('GET', '/meshes/default')).status, 200);
    assert.equal((await h.request('DELETE', '/meshes/empty')).status, 200);
    assert.equal((await h.request('GET', '/meshes/empty')).status, 404);
  });

  it('serves global kinds at /{plural}[/{name}] and cross-mesh lists of mesh-scoped kinds', async () => {
    const zone = await h.request('PUT', '/zones/zone-2', { type: 'Zone', name: 'zone-2' });
    assert.equal(zone.status, 201, zone.text);
    const got = (await h.request('GET', '/zones/zone-2')).json as Record<string, unknown>;
    assert.deepEqual([got.type, got.name, got.mesh], ['Zone', 'zone-2', undefined]);
    assert.deepEqual(((await h.request('GET', '/zones')).json as { total: number }).total, 1);

    await h.request('PUT', '/meshes/other/meshservices/redis', redis({ mesh: 'other' }));
    const all = (await h.request('GET', '/meshservices')).json as { items: { mesh: string; name: string }[] };
    const pairs = all.items.map((i) => `${i.mesh}/${i.name}`);
    assert.ok(pairs.includes('default/redis') && pairs.includes('other/redis'), pairs.join(','));
    const one = (await h.request('GET', '/meshes/other/meshservices')).json as { items: { mesh: string }[] };
    assert.deepEqual(one.items.map((i) => i.mesh), ['other']);
    assert.equal((await h.request('DELETE', '/zones/zone-2')).status, 200);
  });
});

describe('REST on a global control plane', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ mode: 'global', zone: '' });
  });
  after(async () => h.close());

  it('answers 405 for writes of zone-provided kinds and keeps reads working', async () => {
    const before = await exportStore(h.store);
    const detail =
      "On global control plane you can not modify MeshService resources with 'meshplane apply' or via the HTTP API." +
      " You can still use 'meshplane' or the HTTP API to modify them on the zone control plane.";
    const put = await h.request('PUT', '/meshes/default/meshservices/redis', redis());
    assert.deepEqual([put.status, put.json], [405, problem(405, 'Method not allowed', detail)]);
    const del = await h.request('DELETE', '/meshes/default/meshservices/redis');
    assert.deepEqual([del.status, del.json], [405, problem(405, 'Method not allowed', detail)]);
    const dp = await h.request('PUT', '/meshes/default/dataplanes/dp-1', { type: 'Dataplane', name: 'dp-1', mesh: 'default' });
    assert.equal(dp.status, 405);
    assert.equal(await exportStore(h.store), before);
    assert.equal((await h.request('GET', '/meshes/default/meshservices')).status, 200);
  });

  it('accepts global-owned kinds and computes origin global', async () => {
    const r = await h.request('PUT', '/meshes/payments', { type: 'Mesh', name: 'payments' });
    assert.equal(r.status, 201, r.text);
    const mmzs = await h.request('PUT', '/meshes/default/meshmultizoneservices/multi', {
      type: 'MeshMultiZoneService',
      name: 'multi',
      mesh: 'default',
      spec: { selector: { meshService: { matchLabels: { app: 'redis' } } }, ports: [{ port: 6379, appProtocol: 'tcp' }] },
    });
    assert.equal(mmzs.status, 201, mmzs.text);
    const got = (await h.request('GET', '/meshes/default/meshmultizoneservices/multi')).json as { labels: Record<string, string> };
    assert.equal(got.labels['kuma.io/origin'], 'global');
    assert.equal(got.labels['kuma.io/zone'], undefined);
  });

  it('marks zone-provided kinds read-only in /_resources', async () => {
    const { resources } = (await h.request('GET', '/_resources')).json as { resources: { name: string; readOnly: boolean }[] };
    const readOnly = resources.filter((r) => r.readOnly).map((r) => r.name);
    assert.deepEqual(readOnly, ['Dataplane', 'MeshService', 'ZoneIngress']);
  });
});

describe('409 when a concurrent writer keeps winning', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      wrapStore: (inner: ResourceStore): ResourceStore => ({
        get: (k) => inner.get(k),
        list: (o) => inner.list(o),
        create: (r) => inner.create(r),
        delete: (k, o) => inner.delete(k, o),
        watch: (l) => inner.watch(l),
        close: () => inner.close(),
        update: async (req: UpdateRequest) => {
          throw new ResourceConflictError(req, req.version, req.version + 1);
        },
      }),
    });
  });
  after(async () => h.close());

  it('answers 409 Conflict after the one retry also loses', async () => {
    assert.equal((await h.request('PUT', '/meshes/default/meshservices/redis', redis())).status, 201);
    const r = await h.request('PUT', '/meshes/default/meshservices/redis', redis());
    assert.equal(r.status, 409);
    const body = r.json as Record<string, unknown>;
    assert.equal(body.title, 'Conflict');
    assert.match(String(body.detail), /^MeshService 'redis' in mesh 'default' was changed by someone else/);
  });
});

describe('500 when the store fails', () => {
  let h: Harness;
  let failing = false;
  before(async () => {
    h = await startHarness({
      wrapStore: (inner: ResourceStore): ResourceStore => ({
        get: async (k) => {
          if (failing) throw new Error('disk on fire');
          return inner.get(k);
        },
        list: (o) => inner.list(o),
        create: (r) => inner.create(r),
        update: (r) => inner.update(r),
        delete: (k, o) => inner.delete(k, o),
        watch: (l) => inner.watch(l),
        close: () => inner.close(),
      }),
    });
  });
  after(async () => h.close());

  it('answers problem JSON without leaking the cause', async () => {
    failing = true;
    const r = await h.request('GET', '/meshes/default/meshservices/redis');
    failing = false;
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, problem(500, 'Could not retrieve a resource', 'Internal Server Error'));
    assert.equal((await h.request('GET', '/')).status, 200);
  });
});
