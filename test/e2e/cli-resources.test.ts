/**
 * End to end: a real `meshplane run` (SQLite file in a temporary folder) and the real CLI as child
 * processes. Covers the "done when": apply of a Mesh, two Dataplanes, a MeshService and a
 * HostnameGenerator; `get` tables; the REST envelope; invalid input; stdin; YAML round trip; delete.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { sourcePath } from '../support/golden.js';
import { runMeshplane, startMeshplane, type ExitResult, type MeshplaneProcess } from '../support/process.js';

const TESTDATA = sourcePath(import.meta.url, 'testdata');
const RESOURCES = join(TESTDATA, 'mesh-services.yaml');
const BROKEN = join(TESTDATA, 'broken-mesh-service.yaml');

describe('meshplane CLI against a running control plane', () => {
  let dir = '';
  let cp: MeshplaneProcess;
  const cli = (args: string[], stdin?: string): Promise<ExitResult> => runMeshplane(['--api-url', cp.apiUrl, ...args], stdin === undefined ? {} : { stdin });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshplane-e2e-'));
    cp = await startMeshplane(['--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--store', `sqlite:${join(dir, 'db')}`]);
  });
  after(async () => {
    await cp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a Mesh, two Dataplanes, a MeshService and a HostnameGenerator', async () => {
    const r = await cli(['apply', '-f', RESOURCES]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'Mesh "default" updated', // `run` created the default mesh
        'Dataplane "backend-1" created',
        'Dataplane "backend-2" created',
        'MeshService "redis" created',
        'HostnameGenerator "local-mesh-service" created',
        '',
      ].join('\n'),
    );
  });

  it('lists MeshServices in a table, under every spelling of the kind', async () => {
    const r = await cli(['get', 'meshservices']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.deepEqual(header?.split(/\s+/), ['NAME', 'MESH', 'PORTS', 'VIPS', 'HOSTNAMES', 'PROXIES', 'STATE', 'AGE']);
    const redis = rows.find((row) => row.startsWith('redis '));
    assert.ok(redis, `no redis row in:\n${r.stdout}`);
    assert.match(redis, /^redis\s+default\s+6379->6379\/tcp\s/);
    assert.match(redis, /\s\d+[smhd]$/, 'ends with an AGE');
    for (const spelling of ['meshservice', 'msvc', 'MeshService']) {
      const again = await cli(['get', spelling]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.split('\n')[0], header);
    }
  });

  it('lists a global kind without a MESH column', async () => {
    const r = await cli(['get', 'hostnamegenerators']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.ok(!header?.includes('MESH'), header);
    assert.ok(rows.some((row) => row.startsWith('local-mesh-service ')), r.stdout);
  });

  it("serves the list in Kuma's envelope at /meshes/default/meshservices", async () => {
    const res = await fetch(`${cp.apiUrl}/meshes/default/meshservices`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { total: number; items: Record<string, unknown>[]; next: unknown };
    assert.deepEqual(Object.keys(body).sort(), ['items', 'next', 'total']);
    assert.equal(body.total, body.items.length);
    assert.equal(body.next, null);
    const redis = body.items.find((i) => i.name === 'redis');
    assert.ok(redis);
    assert.equal(redis.type, 'MeshService');
    assert.equal(redis.mesh, 'default');
    assert.equal(redis.kri, 'kri_msvc_default_default__redis_');
    assert.deepEqual((redis.spec as { ports: unknown }).ports, [{ name: 'main', port: 6379, targetPort: 6379, appProtocol: 'tcp' }]);
  });

  it('returns every violation of a broken MeshService, exits 1 and stores nothing', async () => {
    const before = await cli(['get', 'meshservices', '-o', 'json']);
    const r = await cli(['apply', '-f', BROKEN]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'Error: MeshService "broken": Resource is not valid');
    assert.ok(lines.includes('  spec.selector: must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels'), r.stderr);
    assert.ok(lines.some((l) => l.startsWith('  spec.ports[0].targetPort: ')), r.stderr);
    assert.ok(lines.some((l) => l.startsWith('  spec.ports[1].port: ')), r.stderr);

    // The CLI shows exactly the violations the REST API lists for the same document.
    const doc = parseYaml(await readFile(BROKEN, 'utf8')) as Record<string, unknown>;
    const res = await fetch(`${cp.apiUrl}/meshes/default/meshservices/broken`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(doc),
    });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as { invalid_parameters: { field: string; reason: string }[] };
    assert.deepEqual(lines.slice(1), problem.invalid_parameters.map((p) => `  ${p.field}: ${p.reason}`));

    const missing = await cli(['get', 'meshservice', 'broken']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error: MeshService "broken" in mesh "default": Not found\n');
    assert.equal((await cli(['get', 'meshservices', '-o', 'json'])).stdout, before.stdout);
  });

  it('applies the good documents of a file and reports the bad ones', async () => {
    const mixed = [
      'type: MeshService\nmesh: default\nname: cache\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: cache\n  ports:\n  - port: 11211\n    appProtocol: tcp\n',
      'type: NoSuchKind\nname: x\n',
      'type: MeshService\nname: Not_A_Name\nspec: {}\n',
    ].join('---\n');
    const r = await cli(['apply', '-f', '-'], mixed);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'MeshService "cache" created\n');
    assert.match(r.stderr, /^Error: document 2 of stdin: Resource is not valid\n {2}type: unknown kind "NoSuchKind"/);
    assert.match(r.stderr, /\nError: MeshService "Not_A_Name": Resource is not valid\n {2}name: /);
    assert.equal((await cli(['get', 'msvc', 'cache'])).code, 0);
  });

  it('applies nothing from malformed YAML and names line and column', async () => {
    const text = 'type: MeshService\nmesh: default\nname: never\nspec: {}\n---\ntype: Mesh\nname: x\n  broken: yes\n';
    const r = await cli(['apply', '-f', '-'], text);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error: invalid YAML in stdin:7:7: /);
    assert.equal((await cli(['get', 'msvc', 'never'])).code, 1);
  });

  it('round-trips get -o yaml through apply', async () => {
    const json = await cli(['get', 'meshservice', 'redis', '-o', 'json']);
    const yaml = await cli(['get', 'meshservice', 'redis', '-o', 'yaml']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.deepEqual(parseYaml(yaml.stdout), JSON.parse(json.stdout), 'yaml and json show the same item');
    const applied = await cli(['apply', '-f', '-'], yaml.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'MeshService "redis" updated\n');
    const after = JSON.parse((await cli(['get', 'msvc', 'redis', '-o', 'json'])).stdout) as Record<string, unknown>;
    const original = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual(after.spec, original.spec);
    assert.deepEqual(after.labels, original.labels);
    assert.equal(after.creationTime, original.creationTime);
  });

  it('round-trips a whole list (YAML documents separated by ---)', async () => {
    const list = await cli(['get', 'dataplanes', '-o', 'yaml']);
    assert.equal(list.code, 0, list.stderr);
    const applied = await cli(['apply', '-f', '-'], list.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'Dataplane "backend-1" updated\nDataplane "backend-2" updated\n');
  });

  it('deletes a resource', async () => {
    const r = await cli(['delete', 'msvc', 'cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'MeshService "cache" deleted\n');
    assert.equal((await cli(['get', 'msvc', 'cache'])).code, 1);
    const again = await cli(['delete', 'msvc', 'cache']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error: MeshService "cache" in mesh "default": Not found\n');
  });

  it('names the known kinds when the kind is unknown', async () => {
    const r = await cli(['get', 'frobnicators']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: unknown kind "frobnicators"; use one of: meshes, dataplanes, meshservices, /);
  });

  it('says which mesh it looked in when the mesh does not exist', async () => {
    const r = await cli(['get', 'meshservices', '-m', 'no-such-mesh']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: meshservices in mesh "no-such-mesh": Not found\n');
  });

  it('refuses a bad output format as a usage error', async () => {
    const r = await cli(['get', 'msvc', '-o', 'xml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-o, --output <format>' argument 'xml' is invalid/);
  });

  it('prints the client and the server version', async () => {
    const r = await cli(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Client: meshplane \d+\.\d+\.\d+\nServer: meshplane \d+\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
