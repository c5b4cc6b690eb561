/**
 * Zones and global come and go (issue item 5), with three real processes on SQLite files and a
 * grpc-js-xds client in west calling east's backend across a flat network the whole time:
 * - `kill -9` east: global marks east offline and keeps its services, west keeps its copy, its
 *   VIP, its DNS answer, and its traffic (east's workloads are still running);
 * - restart east, then `kill -9` and restart global: no VIP and no hostname changes anywhere
 *   (east's own, global's record of east's, west's copy, the MeshMultiZoneService in both zones),
 *   and west's copy is not even rewritten;
 * - afterwards a service deleted in east still leaves global and west.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  dataplaneDoc,
  dig,
  EAST_BACKEND,
  exclusiveMesh,
  getResource,
  Multizone,
  put,
  rest,
  startEcho,
  vipsAndHostnames,
  waitForGone,
  waitForResource,
  XdsClient,
  type EchoServer,
} from '../support/multizone.js';
import { waitFor } from '../support/wait-for.js';

const MMZS = 'backend-524cwbwv5vzz94b6'; // hashedName('default', 'backend')
const BACKEND = `/meshes/default/meshservices/${EAST_BACKEND}`;

interface Addresses {
  readonly [where: string]: { vips: string[]; hostnames: string[] };
}

describe('resilience: zones and global restart, nothing moves', () => {
  let m: Multizone;
  const echoes: EchoServer[] = [];
  let client: XdsClient;
  let baseline: Addresses;
  let westCopyModified: unknown;

  /** Every VIP and hostname of east's backend and the MMZS, as each control plane shows them. */
  async function addresses(): Promise<Addresses> {
    const at = async (plane: 'global' | 'east' | 'west', path: string) => vipsAndHostnames(await getResource(m.api(plane), path));
    return {
      'east: backend': await at('east', '/meshes/default/meshservices/backend'),
      'global: east\'s backend': await at('global', BACKEND),
      'west: east\'s backend': await at('west', BACKEND),
      'east: mmzs': await at('east', `/meshes/default/meshmultizoneservices/${MMZS}`),
      'west: mmzs': await at('west', `/meshes/default/meshmultizoneservices/${MMZS}`),
    };
  }

  const westCopy = async (): Promise<Record<string, unknown> | undefined> => getResource(m.api('west'), BACKEND);

  /** Waits until global has had a full sync from `zone` after `since` (epoch ms). */
  const resynced = (zone: 'east' | 'west', since: number) =>
    waitFor(`${zone} online and resynced`, async () => {
      const insight = m.zoneInsight(zone);
      return insight?.online === true && Date.parse(insight.lastFullSyncFromZone ?? '') >= since ? insight : undefined;
    }, 30_000);

  const eastKeepsAnswering = async (since: number, what: string) =>
    client.until((r) => ['east-1', 'east-2'].every((b) => XdsClient.answeredSince(r, since).includes(b)), 15_000, what);

  before(async () => {
    m = await Multizone.start({ flatNetwork: true });
    await exclusiveMesh(m);
    const first = await startEcho('east-1', '127.0.0.2');
    echoes.push(first, await startEcho('east-2', '127.0.0.3', first.port));
    await put(m.api('east'), '/meshes/default/dataplanes/backend-1', dataplaneDoc('backend-1', '127.0.0.2', first.port, 'backend'));
    await put(m.api('east'), '/meshes/default/dataplanes/backend-2', dataplaneDoc('backend-2', '127.0.0.3', first.port, 'backend'));
    await put(m.api('west'), '/meshes/default/dataplanes/web-1', dataplaneDoc('web-1', '127.0.0.9', 9, 'web'));
    const spec = { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } }, ports: [{ port: first.port, appProtocol: 'grpc' }] };
    await put(m.api('global'), '/meshes/default/meshmultizoneservices/backend', { type: 'MeshMultiZoneService', mesh: 'default', name: 'backend', spec });
    const ready = (r: Record<string, unknown>) => vipsAndHostnames(r).vips.length === 1 && vipsAndHostnames(r).hostnames.length === 1;
    for (const zone of ['east', 'west'] as const) await waitForResource(m.api(zone), `/meshes/default/meshmultizoneservices/${MMZS}`, ready, `MMZS in ${zone}`);
    await waitForResource(m.api('west'), BACKEND, ready, 'east\'s backend in west');
    await waitForResource(m.api('global'), BACKEND, ready, 'east\'s backend on global, with east\'s status');
    baseline = await addresses();
    for (const [where, a] of Object.entries(baseline)) assert.deepEqual([a.vips.length, a.hostnames.length], [1, 1], `${where}: one VIP, one hostname`);
    westCopyModified = (await westCopy())?.modificationTime;
    client = new XdsClient(m.xds('west'), 'default.web-1', `backend.svc.east.mesh.local:${first.port}`);
    await eastKeepsAnswering(0, 'west reaches both of east\'s backends');
  });

  after(async () => {
    await client?.stop();
    for (const e of echoes) await e.stop();
    await m?.stop();
  });

  it('kill -9 east: global marks it offline and keeps its service; west keeps its copy, DNS answer and traffic', async () => {
    await m.kill('east', 'SIGKILL');
    const killed = Date.now();
    await waitFor('east marked offline on global', async () => (m.zoneInsight('east')?.online === false ? true : undefined), 15_000);
    assert.deepEqual(vipsAndHostnames(await getResource(m.api('global'), BACKEND)), baseline['global: east\'s backend']);
    assert.deepEqual(vipsAndHostnames(await westCopy()), baseline['west: east\'s backend']);
    assert.deepEqual(await dig(m.dns('west'), 'backend.svc.east.mesh.local'), baseline['west: east\'s backend']?.vips);
    await eastKeepsAnswering(killed, 'east\'s backends still answer west with east\'s control plane gone');
  });

  it('restart east: no VIP or hostname changes anywhere, and west\'s copy is not rewritten', async () => {
    const restarted = Date.now();
    await m.startPlane('east');
    await resynced('east', restarted);
    assert.deepEqual(await addresses(), baseline);
    assert.equal((await westCopy())?.modificationTime, westCopyModified);
  });

  it('kill -9 and restart global (same store, same KDS port): no VIP or hostname changes anywhere', async () => {
    await m.kill('global', 'SIGKILL');
    const restarted = Date.now();
    await m.startPlane('global');
    await Promise.all([resynced('east', restarted), resynced('west', restarted)]);
    assert.deepEqual(await addresses(), baseline);
    assert.equal((await westCopy())?.modificationTime, westCopyModified);
    await eastKeepsAnswering(restarted, 'traffic unaffected by the global restart');
  });

  it('after all that, a service deleted in east still leaves global and west', async () => {
    const orders = { type: 'MeshService', mesh: 'default', name: 'orders', spec: { selector: { dataplaneTags: { 'kuma.io/service': 'orders' } }, ports: [{ port: 80, targetPort: 8080 }] } };
    const path = '/meshes/default/meshservices/orders-dd4z8zd98w9b85zv'; // hashedName('default', 'orders', ['east'])
    await put(m.api('east'), '/meshes/default/meshservices/orders', orders);
    await waitForResource(m.api('west'), path, () => true, 'orders in west');
    assert.equal((await rest(m.api('east'), 'DELETE', '/meshes/default/meshservices/orders')).status, 200);
    await Promise.all([waitForGone(m.api('global'), path, 'orders gone on global', 5_000), waitForGone(m.api('west'), path, 'orders gone in west', 5_000)]);
  });
});
