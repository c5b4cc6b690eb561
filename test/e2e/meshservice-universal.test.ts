/**
 * End to end, the Universal-zone MeshService issue as a new user meets it: a real `meshplane run`
 * (SQLite file), the real CLI, and the real `dig` against Meshplane's DNS server.
 * Start, set mesh `default` to Exclusive, apply two Dataplanes of `backend` on 8080 (one inbound
 * named `main`, one unnamed, different addresses) -> MeshService `backend` with a VIP in 241/8,
 * hostname `backend.svc.mesh.local`, `dataplaneProxies.total: 2`, answered by DNS; a third
 * Dataplane on 9090 is a reported conflict that changes nothing; a restart changes no VIP and no
 * hostname. (Deletion after the grace period is tested with an injected clock in
 * src/controllers/zone-controllers.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { runMeshplane, startMeshplane, type MeshplaneProcess } from '../support/process.js';
import { waitFor } from '../support/wait-for.js';

const exec = promisify(execFile);

const EXCLUSIVE_AND_TWO_BACKENDS = `
type: Mesh
name: default
meshServices:
  mode: Exclusive
---
type: Dataplane
mesh: default
name: backend-1
networking:
  address: 127.0.0.2
  inbound:
  - port: 8080
    name: main
    tags:
      kuma.io/service: backend
---
type: Dataplane
mesh: default
name: backend-2
networking:
  address: 127.0.0.3
  inbound:
  - port: 8080
    tags:
      kuma.io/service: backend
`;

const CONFLICTING_BACKEND = `
type: Dataplane
mesh: default
name: backend-3
networking:
  address: 127.0.0.4
  inbound:
  - port: 9090
    tags:
      kuma.io/service: backend
`;

interface MeshServiceJson {
  spec: { ports: { name?: string; port: number; targetPort?: number | string }[]; state: string };
  status: {
    vips?: { ip: string }[];
    addresses?: { hostname: string }[];
    dataplaneProxies?: { total?: number };
    conditions?: { type: string; status: string; message: string }[];
  };
}

async function dig(port: number, name: string, ...flags: string[]): Promise<string> {
  const { stdout } = await exec('dig', ['@127.0.0.1', '-p', String(port), ...flags, name]);
  return stdout.trim();
}

describe('MeshService on a Universal zone, end to end', () => {
  let dir = '';
  let cp: MeshplaneProcess;
  const start = async (): Promise<MeshplaneProcess> =>
    startMeshplane(['--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--store', `sqlite:${join(dir, 'db')}`]);
  const dnsPort = (): number => Number(String(cp.ready.dns).split(':').at(-1));
  const backend = async (): Promise<MeshServiceJson | undefined> => {
    const res = await fetch(`${cp.apiUrl}/meshes/default/meshservices/backend`);
    return res.status === 200 ? ((await res.json()) as MeshServiceJson) : undefined;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshplane-msvc-'));
    cp = await start();
  });
  after(async () => {
    await cp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  let vip = '';
  it('derives MeshService backend with a 241/8 VIP, its hostname and two proxies', async () => {
    const applied = await runMeshplane(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { stdin: EXCLUSIVE_AND_TWO_BACKENDS });
    assert.equal(applied.code, 0, applied.stderr);
    const ms = await waitFor('backend with VIP, hostname and two proxies', async () => {
      const got = await backend();
      const ready = got?.status.vips?.length && got.status.addresses?.length && got.status.dataplaneProxies?.total === 2;
      return ready ? got : undefined;
    });
    vip = ms.status.vips?.[0]?.ip ?? '';
    assert.match(vip, /^241\.\d+\.\d+\.\d+$/);
    assert.deepEqual(ms.status.addresses?.map((a) => a.hostname), ['backend.svc.mesh.local']);
    assert.deepEqual(ms.spec.ports, [{ name: 'main', port: 8080, targetPort: 8080, appProtocol: 'tcp' }]);
    assert.equal(ms.spec.state, 'Available');
  });

  it('answers the hostname with the VIP over UDP and TCP, and NXDOMAIN for the legacy name in Exclusive', async () => {
    assert.equal(await dig(dnsPort(), 'backend.svc.mesh.local', '+short'), vip);
    assert.equal(await dig(dnsPort(), 'backend.svc.mesh.local', '+short', '+tcp'), vip);
    assert.match(await dig(dnsPort(), 'backend.mesh'), /status: NXDOMAIN/);
  });

  it('reports a Dataplane on another port as a conflict and leaves the MeshService as it was', async () => {
    const before = await backend();
    const applied = await runMeshplane(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { stdin: CONFLICTING_BACKEND });
    assert.equal(applied.code, 0, applied.stderr);
    const ms = await waitFor('a PortConflict condition', async () => {
      const got = await backend();
      return got?.status.conditions?.some((c) => c.type === 'PortConflict' && c.status === 'True') ? got : undefined;
    });
    const conflict = ms.status.conditions?.find((c) => c.type === 'PortConflict');
    assert.match(conflict?.message ?? '', /backend-3/);
    assert.deepEqual(ms.spec.ports, before?.spec.ports);
    assert.deepEqual(ms.status.vips, before?.status.vips);
    assert.match(cp.stdout(), /Port conflict, ports must be identical across Dataplane inbounds/);
  });

  it('keeps every VIP and hostname across a restart', async () => {
    const beforeRestart = await backend();
    const stopped = await cp.stop();
    assert.equal(stopped.code, 0);
    cp = await start();
    const after = await waitFor('backend after restart', backend);
    assert.deepEqual(after.status.vips, beforeRestart?.status.vips);
    assert.deepEqual(after.status.addresses, beforeRestart?.status.addresses);
    assert.equal(await dig(dnsPort(), 'backend.svc.mesh.local', '+short'), vip);
  });
});
