import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { meshServiceDescriptor } from '../resources/mesh-service/descriptor.js';
import { zoneDescriptor } from '../resources/zone/descriptor.js';
import { ApiClient, ApiProblemError, ApiUnreachableError, resourcePath } from './api-client.js';

/** A real HTTP server on 127.0.0.1 that answers from a table of canned responses. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('resourcePath', () => {
  it('builds mesh-scoped and global paths and escapes names', () => {
    assert.equal(resourcePath(meshServiceDescriptor, 'default'), '/meshes/default/meshservices');
    assert.equal(resourcePath(meshServiceDescriptor, 'my mesh', 'a/b'), '/meshes/my%20mesh/meshservices/a%2Fb');
    assert.equal(resourcePath(zoneDescriptor, 'ignored', 'zone-1'), '/zones/zone-1');
  });
});

describe('ApiClient against a real HTTP server', () => {
  const routes = new Map<string, Handler>();
  const seen: { method: string; url: string; body: string }[] = [];
  let server: Server;
  let base = '';

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        const handler = routes.get(`${req.method} ${req.url}`) ?? json(404, { title: 'no such route' });
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows next links until the last page, keeping its own base URL', async () => {
    routes.set('GET /meshes/default/meshservices', json(200, { total: 3, items: [{ name: 'a' }, { name: 'b' }], next: 'http://elsewhere:1/meshes/default/meshservices?offset=2' }));
    routes.set('GET /meshes/default/meshservices?offset=2', json(200, { total: 3, items: [{ name: 'c' }], next: null }));
    const items = await new ApiClient(`${base}/`).listItems(meshServiceDescriptor, 'default');
    assert.deepEqual(items.map((i) => i.name), ['a', 'b', 'c']);
  });

  it('tells created (201) from updated (200) and passes warnings on', async () => {
    routes.set('PUT /meshes/default/meshservices/new', json(201, {}));
    routes.set('PUT /meshes/default/meshservices/old', json(200, { warnings: ['first', 'second'] }));
    const client = new ApiClient(base);
    assert.deepEqual(await client.put(meshServiceDescriptor, 'default', 'new', { name: 'new' }), { created: true, warnings: [] });
    assert.deepEqual(await client.put(meshServiceDescriptor, 'default', 'old', {}), { created: false, warnings: ['first', 'second'] });
    const sent = seen.find((s) => s.url === '/meshes/default/meshservices/new');
    assert.equal(sent?.body, '{"name":"new"}');
  });

  it("reads Kuma's problem body: detail and invalid_parameters", async () => {
    routes.set(
      'PUT /meshes/default/meshservices/bad',
      json(400, {
        type: '/std-errors',
        status: 400,
        title: 'Could not process a resource',
        detail: 'Resource is not valid',
        invalid_parameters: [{ field: 'spec.ports[0].port', reason: 'must be in inclusive range [1, 65535]' }],
      }),
    );
    await assert.rejects(new ApiClient(base).put(meshServiceDescriptor, 'default', 'bad', {}), (err: unknown) => {
      assert.ok(err instanceof ApiProblemError);
      assert.equal(err.status, 400);
      assert.equal(err.detail, 'Resource is not valid');
      assert.deepEqual(err.invalidParameters, [{ field: 'spec.ports[0].port', reason: 'must be in inclusive range [1, 65535]' }]);
      return true;
    });
  });

  it('falls back to causes, to the title, and to the raw text of a non-JSON answer', async () => {
    routes.set('DELETE /zones/z1', json(409, { title: 'Conflict', causes: [{ field: 'name', message: 'in use' }] }));
    routes.set('GET /zones/z2', (_req, res) => res.writeHead(502).end('bad gateway'));
    const client = new ApiClient(base);
    await assert.rejects(client.delete(zoneDescriptor, '', 'z1'), { detail: 'Conflict', invalidParameters: [{ field: 'name', reason: 'in use' }] });
    await assert.rejects(client.getItem(zoneDescriptor, '', 'z2'), { detail: 'HTTP 502: bad gateway', invalidParameters: [] });
  });

  it('reports a refused connection as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new ApiClient(url).serverInfo(), (err: unknown) => {
      assert.ok(err instanceof ApiUnreachableError);
      assert.equal(err.reason, 'connection refused');
      assert.equal(err.url, url);
      return true;
    });
  });
});
