/**
 * End to end: the life of a `meshplane run` process. Ready line and ready file, port 0, clean
 * stop on SIGTERM and SIGINT, restart on the same SQLite file, and the ways start-up can fail.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sourcePath } from '../support/golden.js';
import { runMeshplane, startMeshplane } from '../support/process.js';

const RESOURCES = join(sourcePath(import.meta.url, 'testdata'), 'mesh-services.yaml');
const FREE_PORTS = ['--api-port', '0', '--xds-port', '0', '--dns-port', '0'];

describe('meshplane run', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshplane-run-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one ready line, writes the same JSON to --ready-file, and binds a free port for 0', async () => {
    const readyFile = join(dir, 'ready', 'cp.json');
    const cp = await startMeshplane([...FREE_PORTS, '--store', `sqlite:${join(dir, 'ready.db')}`, '--ready-file', readyFile]);
    try {
      assert.equal(cp.stdout().split('\n').filter((l) => l.includes('"msg":"control plane ready"')).length, 1);
      assert.equal(cp.ready.msg, 'control plane ready');
      assert.equal(cp.ready.level, 30);
      assert.match(cp.ready.api, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(cp.ready.api, 'http://127.0.0.1:0');
      assert.notEqual(cp.ready.api, 'http://127.0.0.1:5681');
      assert.equal(await readFile(readyFile, 'utf8'), cp.readyText, 'the file holds exactly the ready line');
      const res = await fetch(`${cp.apiUrl}/meshes/default`);
      assert.equal(res.status, 200, 'the default mesh exists and the API answers on the reported address');
      // Every other stdout line is a JSON log line too.
      for (const line of cp.stdout().trimEnd().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    } finally {
      const exit = await cp.stop('SIGINT');
      assert.equal(exit.code, 0, exit.stderr);
    }
  });

  it('keeps every resource across a SIGTERM and a restart on the same SQLite file', async () => {
    const store = `sqlite:${join(dir, 'restart.db')}`;
    const first = await startMeshplane([...FREE_PORTS, '--store', store]);
    const readAll = async (apiUrl: string): Promise<string[]> => {
      const outputs: string[] = [];
      for (const kind of ['meshes', 'dataplanes', 'meshservices', 'hostnamegenerators']) {
        const r = await runMeshplane(['--api-url', apiUrl, 'get', kind, '-o', 'json']);
        assert.equal(r.code, 0, r.stderr);
        outputs.push(r.stdout);
      }
      return outputs;
    };
    // Controllers may still be writing status (VIPs, hostnames) just after an apply: read until
    // two reads in a row agree, so the comparison is about persistence, not about timing.
    const snapshot = async (apiUrl: string): Promise<string[]> => {
      let previous = await readAll(apiUrl);
      for (let attempt = 0; attempt < 10; attempt++) {
        const current = await readAll(apiUrl);
        if (JSON.stringify(current) === JSON.stringify(previous)) return current;
        previous = current;
      }
      return assert.fail('the resources kept changing for 10 reads in a row');
    };
    let before: string[];
    try {
      const applied = await runMeshplane(['--api-url', first.apiUrl, 'apply', '-f', RESOURCES]);
      assert.equal(applied.code, 0, applied.stderr);
      before = await snapshot(first.apiUrl);
    } finally {
      const exit = await first.stop('SIGTERM');
      assert.equal(exit.code, 0, `exit after SIGTERM; stderr: ${exit.stderr}`);
      assert.equal(exit.signal, null);
    }
    assert.ok(before[2]?.includes('"name": "redis"'), 'the MeshService was there before the restart');

    const second = await startMeshplane([...FREE_PORTS, '--store', store]);
    try {
      assert.deepEqual(await snapshot(second.apiUrl), before);
      assert.ok(!second.stdout().includes('created the default mesh'), 'the default mesh was kept, not created again');
    } finally {
      await second.stop();
    }
  });

  it('exits 2 and names the flag when a flag value is bad', async () => {
    const r = await runMeshplane(['run', '--api-port', 'abc', '--store', 'memory']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'Error: --api-port: must be a port number 0-65535; got "abc"\n');
    assert.equal(r.stdout, '');
  });

  it('names the environment variable when its value is bad', async () => {
    const r = await runMeshplane(['run', '--store', 'memory'], { env: { MESHPLANE_MODE: 'standalone' } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'Error: --mode (from MESHPLANE_MODE): must be one of: zone, global; got "standalone"\n');
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await runMeshplane(['run', '--api-prot', '1234']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--api-prot'/);
  });

  it('fails cleanly when the API port is taken, leaving the first instance alone', async () => {
    const first = await startMeshplane([...FREE_PORTS, '--store', 'memory']);
    try {
      const port = new URL(first.apiUrl).port;
      const second = await runMeshplane(['run', '--api-port', port, '--xds-port', '0', '--dns-port', '0', '--store', 'memory']);
      assert.equal(second.code, 1);
      assert.equal(
        second.stderr,
        `Error: could not start the control plane: --api-port: 127.0.0.1:${port} is already in use (is another control plane running?)\n`,
      );
      assert.ok(!second.stdout.includes('control plane ready'));
      assert.equal((await fetch(`${first.apiUrl}/meshes`)).status, 200);
    } finally {
      await first.stop();
    }
  });

  it('fails cleanly when the store cannot be opened', async () => {
    const notAFolder = join(dir, 'plain-file');
    await writeFile(notAFolder, 'not a folder');
    const r = await runMeshplane(['run', ...FREE_PORTS, '--store', `sqlite:${join(notAFolder, 'db')}`]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /^Error: could not start the control plane: --store: /);
    assert.ok(!r.stdout.includes('control plane ready'));
  });

  it('tells the CLI user that no control plane answers', async () => {
    // A port that was just free: start and stop a control plane to learn one.
    const cp = await startMeshplane([...FREE_PORTS, '--store', 'memory']);
    await cp.stop();
    const r = await runMeshplane(['--api-url', cp.apiUrl, 'get', 'meshes']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error: no control plane answers at ${cp.apiUrl} (connection refused); is "meshplane run" running? Point the CLI elsewhere with --api-url or MESHPLANE_API_URL\n`,
    );
  });
});
