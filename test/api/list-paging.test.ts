/** List envelope, paging, name and label filters, with Kuma's error texts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from './api-harness.js';

interface Envelope {
  total: number;
  items: { mesh?: string; name: string }[];
  next: string | null;
}

const service = (name: string, mesh: string, labels: Record<string, string> = {}): Record<string, unknown> => ({
  type: 'MeshService',
  name,
  mesh,
  labels,
  spec: { selector: { dataplaneTags: { app: name } }, ports: [{ port: 80 }] },
});

describe('list envelope and paging', () => {
  let h: Harness;
  let host: string;
  before(async () => {
    h = await startHarness();
    host = new URL(h.url).host;
    await h.request('PUT', '/meshes/second', { type: 'Mesh', name: 'second' });
    const put = async (name: string, mesh: string, labels: Record<string, string> = {}): Promise<void> => {
      const r = await h.request('PUT', `/meshes/${mesh}/meshservices/${name}`, service(name, mesh, labels));
      assert.equal(r.status, 201, r.text);
    };
    await put('alpha', 'default', { team: 'a', tier: 'db' });
    await put('beta', 'default', { team: 'a', tier: 'web' });
    await put('gamma', 'default', { team: 'b', tier: 'db' });
    await put('delta', 'default');
    await put('epsilon', 'default');
    await put('alpha', 'second', { team: 'a' });
  });
  after(async () => h.close());

  const list = async (path: string): Promise<Envelope> => {
    const r = await h.request('GET', path);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json as object), ['total', 'items', 'next']);
    return r.json as Envelope;
  };

  it('pages by size with an absolute next URL on the request host, null on the last page', async () => {
    const first = await list('/meshes/default/meshservices?size=2');
    assert.equal(first.total, 5);
    assert.deepEqual(first.items.map((i) => i.name), ['alpha', 'beta']);
    assert.equal(first.next, `http://${host}/meshes/default/meshservices?offset=2&size=2`);

    const second = await list(new URL(first.next ?? '').pathname + new URL(first.next ?? '').search);
    assert.deepEqual(second.items.map((i) => i.name), ['delta', 'epsilon']);
    assert.equal(second.next, `http://${host}/meshes/default/meshservices?offset=4&size=2`);

    const last = await list('/meshes/default/meshservices?size=2&offset=4');
    assert.deepEqual(last.items.map((i) => i.name), ['gamma']);
    assert.equal(last.total, 5);
    assert.equal(last.next, null);
  });

  it('defaults to 100 items a page and keeps the other query parameters in next', async () => {
    const all = await list('/meshes/default/meshservices');
    assert.equal(all.items.length, 5);
    assert.equal(all.next, null);
    const filtered = await list('/meshes/default/meshservices?size=1&filter%5Blabels.team%5D=a');
    assert.equal(filtered.total, 2);
    assert.equal(filtered.next, `http://${host}/meshes/default/meshservices?filter%5Blabels.team%5D=a&offset=1&size=1`);
  });

  it('filters by name substring and by labels (ANDed)', async () => {
    assert.deepEqual((await list('/meshes/default/meshservices?name=lph')).items.map((i) => i.name), ['alpha']);
    assert.deepEqual((await list('/meshes/default/meshservices?filter[labels.team]=a')).items.map((i) => i.name), ['alpha', 'beta']);
    assert.deepEqual(
      (await list('/meshes/default/meshservices?filter[labels.team]=a&filter[labels.tier]=db')).items.map((i) => i.name),
      ['alpha'],
    );
    assert.equal((await list('/meshes/default/meshservices?filter[labels.team]=nobody')).total, 0);
  });

  it('lists across meshes at /{plural}, with paging and filters', async () => {
    const all = await list('/meshservices?filter[labels.team]=a');
    assert.deepEqual(all.items.map((i) => `${i.mesh}/${i.name}`), ['default/alpha', 'default/beta', 'second/alpha']);
    const page = await list('/meshservices?size=4');
    assert.equal(page.total, 6);
    assert.equal(page.next, `http://${host}/meshservices?offset=4&size=4`);
  });

  const problem = async (path: string): Promise<Record<string, unknown>> => {
    const r = await h.request('GET', path);
    assert.equal(r.status, 400, r.text);
    return r.json as Record<string, unknown>;
  };
  const sizeProblem = (reason: string): Record<string, unknown> => ({
    type: '/std-errors',
    status: 400,
    title: 'Could not retrieve resources',
    detail: 'Invalid page size',
    invalid_parameters: [{ field: 'size', reason }],
    details: 'Invalid page size',
    causes: [{ field: 'size', message: reason }],
  });

  it("rejects bad size and offset with Kuma's texts", async () => {
    assert.deepEqual(await problem('/meshes?size=invalid'), sizeProblem('invalid format'));
    assert.deepEqual(await problem('/meshes?size=0'), sizeProblem('must be greater than 0'));
    assert.deepEqual(await problem('/meshes?size=2000'), sizeProblem('invalid page size of 2000. Maximum page size is 1000'));
    const detail = 'invalid: invalid offset: strconv.Atoi: parsing "invalid": invalid syntax';
    assert.deepEqual(await problem('/meshes?offset=invalid'), {
      type: '/std-errors',
      status: 400,
      title: 'Could not retrieve resources',
      detail,
      details: detail,
    });
    assert.equal((await problem('/meshes?offset=-1')).detail, 'invalid: invalid offset: must not be negative; got -1');
    assert.equal((await list('/meshes?size=1000')).total, 2);
  });

  it("rejects filters other than labels, and operators, with Kuma's texts", async () => {
    const bad = await problem('/meshes/default/dataplanes?filter[labelds.k8s.kuma.io/namespace]=ns1');
    assert.deepEqual(bad.invalid_parameters, [
      { field: '/meshes/{mesh}/dataplanes.filter[labelds.k8s.kuma.io/namespace]', reason: 'filters are only supported on labels' },
    ]);
    assert.equal(bad.title, 'Could not retrieve resources');
    assert.equal(bad.detail, 'Resource is not valid');
    const op = await problem('/meshes/default/dataplanes?filter[labels.k8s.kuma.io/namespace][eq]=ns1');
    assert.deepEqual(op.invalid_parameters, [
      { field: '/meshes/{mesh}/dataplanes.filter[labels.k8s.kuma.io/namespace][eq]', reason: 'advanced filters are not supported' },
    ]);
    const global = await problem('/meshservices?filter[name]=x');
    assert.deepEqual(global.invalid_parameters, [{ field: '/meshservices.filter[name]', reason: 'filters are only supported on labels' }]);
  });
});
