/**
 * The migration assistant on a standalone zone (one real `meshplane run`, no global), from the
 * default mode Disabled, through the CLI: the plan names the MeshServices the zone will generate
 * and rewrites a port-less backendRef by name; apply enables MeshServices, waits until the zone's
 * generator has made them, rewrites, switches to Exclusive; rollback puts back Disabled (the
 * generator then removes its MeshServices, as Kuma does) and the exact resources. A gRPC client
 * that dials the new MeshService name is answered once apply is done.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MigrationPlan } from '../../src/migration/types.js';
import { dataplaneDoc, put, rest, startEcho, waitForGone, waitForResource, XdsClient, type EchoServer } from '../support/multizone.js';
import { type MeshplaneProcess, runMeshplane, startMeshplane } from '../support/process.js';

const route = {
  type: 'MeshHTTPRoute',
  mesh: 'default',
  name: 'backend-route',
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], default: { backendRefs: [{ kind: 'MeshService', name: 'backend' }] } }] }],
  },
};

/** The route and mesh as a user applies them: without the times stores stamp and the status controllers write. */
async function exported(api: string): Promise<string> {
  const paths = ['/meshes/default', '/meshes/default/meshhttproutes'];
  const texts: string[] = [];
  for (const p of paths) texts.push(JSON.stringify((await rest(api, 'GET', p)).body, (k, v: unknown) => (k === 'modificationTime' || k === 'status' ? undefined : v)));
  return texts.join('\n');
}

describe('migrate on a standalone zone, from Disabled', () => {
  let cp: MeshplaneProcess;
  let echo: EchoServer;
  let client: XdsClient | undefined;
  const cli = (...args: string[]) => runMeshplane(['--api-url', cp.apiUrl, 'migrate', ...args], { deadlineMs: 60_000 });

  before(async () => {
    cp = await startMeshplane(['--store', 'memory', '--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--zone', 'zone-1']);
    echo = await startEcho('backend-1', '127.0.0.2');
    await put(cp.apiUrl, '/meshes/default/dataplanes/backend-1', dataplaneDoc('backend-1', '127.0.0.2', echo.port, 'backend'));
    await put(cp.apiUrl, '/meshes/default/dataplanes/web-1', dataplaneDoc('web-1', '127.0.0.9', 9, 'web'));
    await put(cp.apiUrl, '/meshes/default/meshhttproutes/backend-route', route);
  });

  after(async () => {
    await client?.stop();
    await echo?.stop();
    await cp?.stop();
  });

  it('plans the MeshServices the zone will generate and a rewrite by name with the port', async () => {
    const answer = await cli('plan', '-o', 'json');
    assert.equal(answer.code, 3, answer.stderr);
    const plan = JSON.parse(answer.stdout) as MigrationPlan;
    assert.deepEqual([plan.site, plan.from, plan.to], ['zone zone-1 (standalone)', 'Disabled', 'Exclusive']);
    assert.deepEqual(plan.services.map((s) => [s.service, s.meshServices.map((x) => `${x.name} ${x.state}`).join()]), [
      ['backend', 'backend generated'],
      ['web', 'web generated'],
    ]);
    assert.deepEqual(plan.references.map((r) => [r.field, r.rewrite]), [
      ['spec.to[0].rules[0].default.backendRefs[0]', { kind: 'MeshService', name: 'backend', port: echo.port, weight: 1 }],
    ]);
    assert.deepEqual(plan.steps.map((s) => s.phase), ['enable', 'references', 'switch']);
  });

  let before_ = '';
  it('apply waits for the generated MeshServices, then rewrites and switches; the new name answers', async () => {
    before_ = await exported(cp.apiUrl);
    const applied = await cli('apply', '--to', 'Exclusive', '--timeout', '30');
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /1 +updated +set meshServices\.mode to Everywhere[\s\S]*3 +updated +set meshServices\.mode to Exclusive/);
    await waitForResource(cp.apiUrl, '/meshes/default/meshservices/backend', () => true, 'backend MeshService');
    const stored = (await rest(cp.apiUrl, 'GET', '/meshes/default/meshhttproutes/backend-route')).body as { spec: { to: { rules: { default: { backendRefs: unknown[] } }[] }[] } };
    assert.deepEqual(stored.spec.to[0]?.rules[0]?.default.backendRefs, [{ kind: 'MeshService', name: 'backend', port: echo.port, weight: 1 }]);
    client = new XdsClient(String(cp.ready.xds).replace(/^grpc:\/\//, ''), 'default.web-1', `backend.svc.mesh.local:${echo.port}`);
    await client.until((r) => (r.counts['backend-1'] ?? 0) >= 10, 30_000, 'backend.svc.mesh.local answers');
    const again = await cli('plan');
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /VERDICT: safe/);
  });

  it('rollback puts Disabled and the route back exactly; the generator removes its MeshServices', async () => {
    const dry = await cli('rollback', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Dry run/);
    const rolled = await cli('rollback');
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.equal(await exported(cp.apiUrl), before_);
    await waitForGone(cp.apiUrl, '/meshes/default/meshservices/backend', 'generated MeshService removed in Disabled');
  });
});
