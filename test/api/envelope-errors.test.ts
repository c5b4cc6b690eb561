/**
 * Envelope mistakes that are not 400s: an unknown mesh (404), a zone-provided kind written on
 * global (405), and a body over the limit (413). Each leaves the store exactly as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportStore, type Harness, startHarness } from './api-harness.js';

const MIB = 1024 * 1024;

const redis = (mesh = 'default', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'MeshService',
  name: 'redis',
  mesh,
  spec: { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port: 6379 }] },
  ...extra,
});

describe('envelope errors that are not 400', () => {
  let zone: Harness;
  let global: Harness;
  before(async () => {
    zone = await startHarness();
    global = await startHarness({ mode: 'global', zone: '' });
  });
  after(async () => {
    await zone.close();
    await global.close();
  });

  it('MeshService in a mesh that does not exist: 404 Failed to retrieve Mesh', async () => {
    const before = await exportStore(zone.store);
    const r = await zone.request('PUT', '/meshes/unknown/meshservices/redis', redis('unknown'));
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { type: '/std-errors', status: 404, title: 'Failed to retrieve Mesh', detail: 'Not found', details: 'Not found' });
    assert.equal(await exportStore(zone.store), before);
  });

  it('MeshService written on global: 405', async () => {
    const before = await exportStore(global.store);
    const r = await global.request('PUT', '/meshes/default/meshservices/redis', redis());
    assert.equal(r.status, 405);
    assert.equal((r.json as Record<string, unknown>).title, 'Method not allowed');
    assert.equal(await exportStore(global.store), before);
  });

  it('a body over the 1 MiB limit: 413 problem JSON, nothing stored', async () => {
    const before = await exportStore(zone.store);
    const big = redis('default', { labels: { filler: 'x'.repeat(MIB) } });
    const r = await zone.request('PUT', '/meshes/default/meshservices/redis', big);
    assert.equal(r.status, 413);
    const detail = `request body is larger than the limit of ${MIB} bytes`;
    assert.deepEqual(r.json, { type: '/std-errors', status: 413, title: 'Payload Too Large', detail, details: detail });
    assert.equal(await exportStore(zone.store), before);
    assert.equal((await zone.request('GET', '/')).status, 200, 'the server still answers');
    const justUnder = redis('default', { labels: { filler: 'x'.repeat(200) } });
    assert.equal((await zone.request('PUT', '/meshes/default/meshservices/redis', justUnder)).status, 201);
  });

  it('a body over the limit sent without Content-Length (chunked) is also refused', async () => {
    const before = await exportStore(zone.store);
    const chunks = [JSON.stringify(redis('default', { name: 'chunked', labels: { filler: 'x'.repeat(2 * MIB) } }))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${zone.url}/meshes/default/meshservices/chunked`, {
      method: 'PUT',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as Record<string, unknown>).title, 'Payload Too Large');
    assert.equal(await exportStore(zone.store), before);
  });
});
