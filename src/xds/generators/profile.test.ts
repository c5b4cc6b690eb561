/**
 * Golden files: for every case in testdata/, the config of each proxy (every Dataplane, or those
 * nodes.yaml lists, with the xDS Node each connects with) is pinned in `<proxy>.golden.yaml`.
 * UPDATE_GOLDEN=1 rewrites them; read the diff before committing. The same goldens must come out
 * when all proxies of a case share one MeshContext (as proxy-sync builds them), whatever the order.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { assertGolden, sourcePath } from '../../../test/support/golden.js';
import { encodeResource } from '../envoy/encode.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { clientOfNode, type MeshContext, meshContextOf, proxyContextOf } from '../proxy-context.js';
import { buildSnapshot, consistencyErrors } from '../snapshot.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';
import { generateProxyConfig } from './profile.js';
import { parseRenderedConfig, renderConfig } from './render-config.js';

const TESTDATA = sourcePath(import.meta.url, 'testdata');
const CASES = readdirSync(TESTDATA, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface NodeSpec {
  readonly dataplane: string;
  readonly node?: unknown;
}

function proxiesOf(dir: string, view: StaticView): NodeSpec[] {
  const nodesFile = join(dir, 'nodes.yaml');
  if (existsSync(nodesFile)) return (parse(readFileSync(nodesFile, 'utf8')) as { proxies: NodeSpec[] }).proxies;
  return view.list('Dataplane').map((dp) => ({ dataplane: dp.name }));
}

/** Every cluster a route (`cluster`, `weighted_clusters`) or TcpProxy names, anywhere in the objects. */
function clustersNamed(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.cluster === 'string') out.add(o.cluster);
    const weighted = (o.weighted_clusters as { clusters?: { name?: unknown }[] } | undefined)?.clusters ?? [];
    for (const c of weighted) if (typeof c.name === 'string') out.add(c.name);
    Object.values(o).forEach(walk);
  };
  walk(objects);
  return out;
}

describe('xDS goldens', () => {
  for (const name of CASES) {
    it(`case ${name}`, () => {
      const dir = join(TESTDATA, name);
      const view = new StaticView(resourcesFromYaml(readFileSync(join(dir, 'resources.input.yaml'), 'utf8')));
      const proxies = proxiesOf(dir, view);
      assert.ok(proxies.length > 0, `case ${name} has no proxies`);
      for (const p of proxies) {
        const mesh = view.list('Dataplane').find((dp) => dp.name === p.dataplane)?.mesh ?? 'default';
        const result = proxyContextOf(view, `${mesh}.${p.dataplane}`, { client: clientOfNode(p.node) });
        assert.ok(result.ok, result.ok ? '' : result.reason);
        assertGolden(join(dir, `${p.dataplane}.golden.yaml`), renderConfig(generateProxyConfig(result.context)));
      }
    });
  }

  it('every case again with one MeshContext per mesh shared by all its proxies, in order and reversed: the same goldens (shared pieces miss no input)', () => {
    for (const name of CASES) {
      const dir = join(TESTDATA, name);
      const view = new StaticView(resourcesFromYaml(readFileSync(join(dir, 'resources.input.yaml'), 'utf8')));
      const proxies = proxiesOf(dir, view);
      const contexts = new Map<string, MeshContext | undefined>();
      for (const p of [...proxies, ...[...proxies].reverse()]) {
        const mesh = view.list('Dataplane').find((dp) => dp.name === p.dataplane)?.mesh ?? 'default';
        if (!contexts.has(mesh)) contexts.set(mesh, meshContextOf(view, mesh));
        const result = proxyContextOf(view, `${mesh}.${p.dataplane}`, { client: clientOfNode(p.node), meshContext: contexts.get(mesh) });
        assert.ok(result.ok, result.ok ? '' : result.reason);
        const golden = readFileSync(join(dir, `${p.dataplane}.golden.yaml`), 'utf8');
        assert.equal(renderConfig(generateProxyConfig(result.context)), golden, `${name}/${p.dataplane} with a shared MeshContext`);
      }
    }
  });

  it('every resource of every golden encodes with the strict encoder, each golden is a consistent snapshot, and every cluster a route names is in it', () => {
    let files = 0;
    for (const name of CASES) {
      for (const file of readdirSync(join(TESTDATA, name)).filter((f) => f.endsWith('.golden.yaml'))) {
        const resources = parseRenderedConfig(readFileSync(join(TESTDATA, name, file), 'utf8'));
        for (const r of resources) assert.doesNotThrow(() => encodeResource(r.typeUrl, r.resource), `${name}/${file}`);
        assert.deepEqual(consistencyErrors(buildSnapshot(resources)), [], `${name}/${file}`);
        const clusters = new Set(resources.filter((r) => r.typeUrl === TYPE_URL.cluster).map((r) => String(r.resource.name)));
        const dangling = [...clustersNamed(resources.map((r) => r.resource))].filter((c) => !clusters.has(c));
        assert.deepEqual(dangling, [], `${name}/${file}: routes or TCP proxies name clusters the golden lacks (gRPC would wait 15 s for them)`);
        files++;
      }
    }
    assert.ok(files >= CASES.length, `expected a golden per case, found ${files}`);
  });
});
