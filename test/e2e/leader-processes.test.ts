/**
 * End to end with real processes: two `meshplane run` on one PostgreSQL database. The first leads
 * (GET / says so, and it alone logs "became leader"); Dataplanes applied through it get their
 * MeshServices and VIPs, read through the other. After `kill -9` of the leader the other leads
 * within the bound (its 2 s retry; 10 s allowed here) and Dataplanes applied to it get VIPs too,
 * none shared and none changed. With a global control plane, only the leading zone instance opens
 * the KDS stream; after the leader is killed, the new leader opens it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';
import { freePort } from '../support/multizone.js';
import { type MeshplaneProcess, startMeshplane } from '../support/process.js';
import { waitFor } from '../support/wait-for.js';

const FREE_PORTS = ['--api-port', '0', '--xds-port', '0', '--dns-port', '0'];
const TAKEOVER_BOUND_MS = 10_000;

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function put(apiUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${apiUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(res.status === 200 || res.status === 201, `PUT ${path}: ${res.status} ${await res.text()}`);
}

async function applyDataplane(apiUrl: string, i: number): Promise<void> {
  await put(apiUrl, `/meshes/default/dataplanes/dp-${i}`, {
    type: 'Dataplane',
    mesh: 'default',
    name: `dp-${i}`,
    networking: { address: `10.1.0.${i + 1}`, inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${i}` } }] },
  });
}

async function isLeader(cp: MeshplaneProcess): Promise<boolean> {
  const { body } = await getJson(`${cp.apiUrl}/`);
  assert.equal(typeof body.leader, 'boolean', 'GET / has leader: true|false');
  return body.leader === true;
}

/** Waits until MeshService svc-0 .. svc-(count-1) each have one VIP, read through `cp`; name -> VIP. */
async function vipsThrough(cp: MeshplaneProcess, count: number): Promise<Map<string, string>> {
  return waitFor(
    `${count} MeshServices with one VIP each through ${cp.apiUrl}`,
    async () => {
      const { status, body } = await getJson(`${cp.apiUrl}/meshes/default/meshservices?size=1000`);
      if (status !== 200) return undefined;
      const items = body.items as { name: string; status?: { vips?: { ip: string }[] } }[];
      if (items.length !== count || items.some((ms) => ms.status?.vips?.length !== 1)) return undefined;
      return new Map(items.map((ms) => [ms.name, ms.status?.vips?.[0]?.ip ?? '']));
    },
    20_000,
  );
}

/** The log messages of `cp` that are one of `messages`, in order. */
function logged(cp: MeshplaneProcess, ...messages: string[]): string[] {
  return cp
    .stdout()
    .split('\n')
    .filter((l) => messages.some((m) => l.includes(`"msg":"${m}"`)))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
}

function leaderLogLines(cp: MeshplaneProcess): string[] {
  return logged(cp, 'became leader', 'lost leadership');
}

describe('two meshplane run processes on one PostgreSQL database', () => {
  let server: PostgresServer;
  let url = '';
  const processes: MeshplaneProcess[] = [];

  before(async () => {
    server = await startPostgres({ durable: false });
    url = await server.createDatabase('two_processes');
  });
  after(async () => {
    for (const cp of processes) await cp.stop('SIGKILL').catch(() => {});
    await server.stop();
  });

  it('one leads; VIPs are given by it and read through the other; after kill -9 the other leads and keeps giving VIPs', async (t) => {
    const a = await startMeshplane([...FREE_PORTS, '--store', url]);
    processes.push(a);
    const b = await startMeshplane([...FREE_PORTS, '--store', url]);
    processes.push(b);
    assert.deepEqual([await isLeader(a), await isLeader(b)], [true, false]);
    assert.deepEqual(leaderLogLines(a), ['became leader']);
    assert.deepEqual(leaderLogLines(b), []);

    await put(a.apiUrl, '/meshes/default', { type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } });
    for (let i = 0; i < 5; i++) await applyDataplane(a.apiUrl, i);
    const before = await vipsThrough(b, 5);
    assert.equal(new Set(before.values()).size, 5, `distinct VIPs: ${[...before.values()]}`);

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('the other instance to lead', async () => ((await isLeader(b)) ? true : undefined), TAKEOVER_BOUND_MS);
    const tookMs = Date.now() - killedAt;
    assert.deepEqual(leaderLogLines(b), ['became leader']);

    for (let i = 5; i < 10; i++) await applyDataplane(b.apiUrl, i);
    const afterKill = await vipsThrough(b, 10);
    assert.equal(new Set(afterKill.values()).size, 10, `distinct VIPs: ${[...afterKill.values()]}`);
    for (const [name, ip] of before) assert.equal(afterKill.get(name), ip, `${name} kept its VIP`);
    const metrics = await (await fetch(`${b.apiUrl}/metrics`)).text();
    assert.match(metrics, /^meshplane_leader 1$/m);
    t.diagnostic(`takeover after kill -9 took ${tookMs} ms`);
  });

  it('opens the KDS stream to global from the leader only, and from the new leader after a kill -9', async () => {
    const kdsPort = await freePort();
    const global = await startMeshplane(['--mode', 'global', '--store', 'memory', '--api-port', '0', '--kds-port', String(kdsPort)]);
    processes.push(global);
    const zoneUrl = await server.createDatabase('two_zone_instances');
    const zoneArgs = [...FREE_PORTS, '--store', zoneUrl, '--mode', 'zone', '--zone', 'east', '--global-kds-address', `grpc://127.0.0.1:${kdsPort}`];
    const a = await startMeshplane(zoneArgs);
    processes.push(a);
    const b = await startMeshplane(zoneArgs);
    processes.push(b);
    await waitFor('global to see zone east connected', async () => (logged(global, 'zone connected').length === 1 ? true : undefined));
    // The mesh global created reached the zone: the stream is up and syncing.
    await waitFor('mesh default in the zone', async () => ((await getJson(`${b.apiUrl}/meshes/default`)).status === 200 ? true : undefined));
    assert.deepEqual(logged(a, 'connected to global'), ['connected to global']);
    assert.deepEqual(logged(b, 'connected to global', 'could not sync with global'), [], 'the follower never dialled global');

    a.child.kill('SIGKILL');
    await waitFor('the new leader to connect to global', async () => (logged(b, 'connected to global').length === 1 ? true : undefined), TAKEOVER_BOUND_MS + 5000);
    assert.deepEqual(leaderLogLines(b), ['became leader']);
    await waitFor('global to see zone east connected again', async () => (logged(global, 'zone connected').length === 2 ? true : undefined));
  });
});
