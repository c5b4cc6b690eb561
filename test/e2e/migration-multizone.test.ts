/**
 * Issue 8, "Done when", as a new user would try it: three real processes (global, east, west on a
 * flat network), `backend` in east only, `frontend` in both, a MeshHTTPRoute and a MeshTimeout made
 * on global that name `backend` the old way, mesh in Everywhere. Through the real CLI against
 * global: `migrate plan --to Exclusive` (frontend a MeshMultiZoneService candidate, both
 * references with rewrites, per-proxy gains and losses, non-zero exit), `migrate apply --to
 * Exclusive` while a @grpc/grpc-js-xds client in west calls east's backend without one failed RPC,
 * and `migrate rollback`, after which the exported resources on global are byte for byte those
 * from before (only `modificationTime`, which every store write stamps, is left out).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MigrationPlan } from '../../src/migration/types.js';
import { dataplaneDoc, EAST_BACKEND, Multizone, put, rest, startEcho, vipsAndHostnames, waitForResource, XdsClient, type EchoServer } from '../support/multizone.js';
import { runMeshplane } from '../support/process.js';
import { waitFor } from '../support/wait-for.js';

const MESH = { type: 'Mesh', name: 'default', meshServices: { mode: 'Everywhere' } };

const route = {
  type: 'MeshHTTPRoute',
  mesh: 'default',
  name: 'route-to-backend',
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], default: { backendRefs: [{ kind: 'MeshService', name: 'backend', weight: 100 }] } }] }],
  },
};
const timeout = {
  type: 'MeshTimeout',
  mesh: 'default',
  name: 'backend-timeout',
  spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: { http: { requestTimeout: '5s' } } }] },
};

/** Global's resources of the kinds migrate touches, as `meshplane get -o json` shows them, without modificationTime. */
async function exported(api: string): Promise<string> {
  const paths = ['/meshes/default', '/meshes/default/meshmultizoneservices', '/meshes/default/meshhttproutes', '/meshes/default/meshtimeouts'];
  const texts: string[] = [];
  for (const p of paths) texts.push(JSON.stringify((await rest(api, 'GET', p)).body, (k, v: unknown) => (k === 'modificationTime' ? undefined : v), 2));
  return texts.join('\n');
}

const modeIn = (api: string, mode: string, what: string) =>
  waitForResource(api, '/meshes/default', (r) => (r.meshServices as { mode?: string } | undefined)?.mode === mode, what, 20_000);

describe('migrate plan / apply / rollback across two zones, with traffic', () => {
  let m: Multizone;
  const echoes: EchoServer[] = [];
  const clients: XdsClient[] = [];
  let client: XdsClient;
  let backendPort = 0;
  let errorsAtStart = 0;
  let before_ = '';

  const cli = (...args: string[]) => runMeshplane(['--api-url', m.api('global'), 'migrate', ...args], { deadlineMs: 90_000 });

  before(async () => {
    m = await Multizone.start({ flatNetwork: true });
    await put(m.api('global'), '/meshes/default', MESH);
    for (const zone of ['east', 'west'] as const) await modeIn(m.api(zone), 'Everywhere', `mesh default in ${zone}`);
    const backend = await startEcho('backend-east', '127.0.0.2');
    backendPort = backend.port;
    const frontendEast = await startEcho('frontend-east', '127.0.0.3');
    const frontendWest = await startEcho('frontend-west', '127.0.0.4', frontendEast.port);
    echoes.push(backend, frontendEast, frontendWest);
    await put(m.api('east'), '/meshes/default/dataplanes/backend-1', dataplaneDoc('backend-1', '127.0.0.2', backend.port, 'backend'));
    await put(m.api('east'), '/meshes/default/dataplanes/frontend-east-1', dataplaneDoc('frontend-east-1', '127.0.0.3', frontendEast.port, 'frontend'));
    await put(m.api('west'), '/meshes/default/dataplanes/frontend-west-1', dataplaneDoc('frontend-west-1', '127.0.0.4', frontendEast.port, 'frontend'));
    await put(m.api('global'), '/meshes/default/meshhttproutes/route-to-backend', route);
    await put(m.api('global'), '/meshes/default/meshtimeouts/backend-timeout', timeout);
    await waitFor('the three MeshServices and Dataplanes on global', async () => {
      const ms = (await rest(m.api('global'), 'GET', '/meshes/default/meshservices')).body.total;
      const dps = (await rest(m.api('global'), 'GET', '/meshes/default/dataplanes')).body.total;
      return ms === 3 && dps === 3 ? true : undefined;
    }, 30_000);
    await waitForResource(m.api('west'), `/meshes/default/meshservices/${EAST_BACKEND}`, (r) => vipsAndHostnames(r).hostnames.length === 1, "east's backend in west");
    client = new XdsClient(m.xds('west'), 'default.frontend-west-1', `backend.svc.east.mesh.local:${backend.port}`);
    clients.push(client);
    const settled = await client.until((r) => (r.counts['backend-east'] ?? 0) >= 20, 30_000, "20 RPCs answered by east's backend");
    errorsAtStart = settled.errors;
  });

  after(async () => {
    for (const c of clients) await c.stop();
    for (const e of echoes) await e.stop();
    await m?.stop();
  });

  it('plan --to Exclusive: frontend is a MeshMultiZoneService candidate, both references get rewrites, per-proxy gains and losses, non-zero exit', async () => {
    const json = await cli('plan', '--to', 'Exclusive', '-o', 'json');
    assert.equal(json.code, 3, json.stderr);
    const plan = JSON.parse(json.stdout) as MigrationPlan;
    assert.deepEqual(plan.services.map((s) => [s.service, s.zones.join(','), s.recommendation.kind]), [
      ['backend', 'east', 'MeshService'],
      ['frontend', 'east,west', 'MeshMultiZoneService'],
    ]);
    assert.deepEqual(
      plan.references.map((r) => [r.resource, r.field, JSON.stringify(r.rewrite)]),
      [
        ['MeshHTTPRoute/route-to-backend', 'spec.to[0].targetRef', '{"kind":"MeshService","labels":{"kuma.io/display-name":"backend","kuma.io/zone":"east"}}'],
        ['MeshHTTPRoute/route-to-backend', 'spec.to[0].rules[0].default.backendRefs[0]', `{"kind":"MeshService","labels":{"kuma.io/display-name":"backend","kuma.io/zone":"east"},"port":${backendPort},"weight":100}`],
        ['MeshTimeout/backend-timeout', 'spec.to[0].targetRef', '{"kind":"MeshService","labels":{"kuma.io/display-name":"backend","kuma.io/zone":"east"}}'],
      ],
    );
    const west = plan.proxies.find((p) => p.zone === 'west' && p.name === 'frontend-west-1');
    assert.deepEqual(west?.gained.map((d) => `${d.kind} ${d.name}`), ['MeshMultiZoneService frontend']);
    assert.deepEqual(west?.lost.map((d) => `${d.key} ${d.coverage}`), ['legacy:frontend replaced']);
    assert.deepEqual(plan.proxies.map((p) => `${p.zone}/${p.name}`), ['east/backend-1', 'east/frontend-east-1', 'west/frontend-west-1']);
    assert.equal(plan.verdict.level, 'renames');

    const table = await cli('plan', '--to', 'Exclusive');
    assert.equal(table.code, 3);
    assert.match(table.stdout, /frontend +east,west +2 .*MeshMultiZoneService frontend \(create\)/);
    assert.match(table.stdout, /west +frontend-west-1 .*MeshMultiZoneService frontend +kuma\.io\/service frontend \(replaced: MeshMultiZoneService frontend\)/);
    assert.match(table.stdout, /VERDICT: renames \(not safe\)/);
  });

  it('apply --to Exclusive: Exclusive in both zones, the MMZS created and the references rewritten, and no failed RPC', async () => {
    before_ = await exported(m.api('global'));
    const started = Date.now();
    const applied = await cli('apply', '--to', 'Exclusive');
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Mesh default migrated to Exclusive/);
    for (const zone of ['east', 'west'] as const) await modeIn(m.api(zone), 'Exclusive', `Exclusive in ${zone}`);
    const mmzs = (await rest(m.api('global'), 'GET', '/meshes/default/meshmultizoneservices/frontend')).body;
    assert.deepEqual(mmzs.spec, { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'frontend' } } }, ports: [{ name: 'main', port: echoes[1]?.port, appProtocol: 'grpc' }] });
    const stored = (await rest(m.api('global'), 'GET', '/meshes/default/meshhttproutes/route-to-backend')).body as { spec: { to: { rules: { default: { backendRefs: unknown[] } }[] }[] } };
    assert.deepEqual(stored.spec.to[0]?.rules[0]?.default.backendRefs, [{ kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' }, port: backendPort, weight: 100 }]);
    const inWest = await waitFor('the MMZS in west over both frontends', async () => {
      const list = (await rest(m.api('west'), 'GET', '/meshes/default/meshmultizoneservices')).body.items as { status?: { meshServices?: unknown[] } }[];
      return list.find((x) => (x.status?.meshServices ?? []).length === 2);
    }, 20_000);
    assert.deepEqual(vipsAndHostnames(inWest as Record<string, unknown>).hostnames, ['frontend.mzsvc.mesh.local']);
    const switched = Date.now();
    const report = await client.until((r) => (r.lastSeen['backend-east'] ?? 0) > switched + 500, 15_000, 'east keeps answering after the switch');
    assert.equal(report.errors, errorsAtStart, `no failed RPC since ${new Date(started).toISOString()}: ${report.lastError}`);

    const viaMmzs = new XdsClient(m.xds('west'), 'default.frontend-west-1', `frontend.mzsvc.mesh.local:${echoes[1]?.port ?? 0}`);
    clients.push(viaMmzs);
    await viaMmzs.until((r) => (r.counts['frontend-west'] ?? 0) >= 10, 30_000, "the MMZS serves west's own frontend first");
    const again = await cli('plan', '--to', 'Exclusive');
    assert.equal(again.code, 0, again.stdout);
  });

  it('rollback restores the exported resources byte for byte, the zones follow, and still no failed RPC', async () => {
    const rolled = await cli('rollback');
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /restore +Mesh\/default[\s\S]*delete +MeshMultiZoneService\/frontend/);
    assert.equal(await exported(m.api('global')), before_);
    for (const zone of ['east', 'west'] as const) await modeIn(m.api(zone), 'Everywhere', `Everywhere again in ${zone}`);
    await waitFor('the MMZS gone from west', async () => (((await rest(m.api('west'), 'GET', '/meshes/default/meshmultizoneservices')).body.total as number) === 0 ? true : undefined), 20_000);
    const back = Date.now();
    const report = await client.until((r) => (r.lastSeen['backend-east'] ?? 0) > back + 500, 15_000, 'east keeps answering after the rollback');
    assert.equal(report.errors, errorsAtStart, `no failed RPC: ${report.lastError}`);
    assert.equal((await cli('rollback')).code, 1, 'nothing left to roll back');
  });
});
