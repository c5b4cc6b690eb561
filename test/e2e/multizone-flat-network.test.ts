/**
 * Cross-zone traffic with real clients: three processes (global, east, west; `--flat-network true`
 * on both zones), real echo backends on loopback addresses, and @grpc/grpc-js-xds clients
 * registered in west as Dataplane `web-1`:
 * - `backend.svc.east.mesh.local` reaches east's two backends directly;
 * - west's own `backend` is a different destination (`backend.svc.mesh.local`) and stays in west;
 * - a MeshHTTPRoute in west whose backendRef picks east's copy by labels {kuma.io/display-name:
 *   backend, kuma.io/zone: east} sends that traffic to east, until it is deleted;
 * - a MeshMultiZoneService made on global over both is one destination spanning both zones: local
 *   endpoints at priority 0, east's at 1 (Kuma's default), so west's client is served in west
 *   and moves to east when west's backend stops being ready, then comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  dataplaneDoc,
  dig,
  EAST_BACKEND,
  exclusiveMesh,
  Multizone,
  put,
  rest,
  startEcho,
  vipsAndHostnames,
  waitForResource,
  XdsClient,
  type EchoServer,
} from '../support/multizone.js';

/** hashedName('default', 'backend') : the MeshMultiZoneService made on global, in every zone. */
const MMZS = 'backend-524cwbwv5vzz94b6';
const RPCS = 30;
const eastCount = (r: { counts: Record<string, number> }): number => (r.counts['east-1'] ?? 0) + (r.counts['east-2'] ?? 0);

describe('flat network: a proxyless gRPC client in west, three control planes', () => {
  let m: Multizone;
  const echoes: EchoServer[] = [];
  const clients: XdsClient[] = [];
  let port = 0;

  const client = (target: string): XdsClient => {
    const c = new XdsClient(m.xds('west'), 'default.web-1', target);
    clients.push(c);
    return c;
  };

  before(async () => {
    m = await Multizone.start({ flatNetwork: true });
    await exclusiveMesh(m);
    const first = await startEcho('east-1', '127.0.0.2');
    port = first.port;
    echoes.push(first, await startEcho('east-2', '127.0.0.3', port), await startEcho('west-1', '127.0.0.4', port));
    await put(m.api('east'), '/meshes/default/dataplanes/backend-1', dataplaneDoc('backend-1', '127.0.0.2', port, 'backend'));
    await put(m.api('east'), '/meshes/default/dataplanes/backend-2', dataplaneDoc('backend-2', '127.0.0.3', port, 'backend'));
    await put(m.api('west'), '/meshes/default/dataplanes/backend-w1', dataplaneDoc('backend-w1', '127.0.0.4', port, 'backend'));
    await put(m.api('west'), '/meshes/default/dataplanes/web-1', dataplaneDoc('web-1', '127.0.0.9', 9, 'web'));
    await waitForResource(m.api('west'), `/meshes/default/meshservices/${EAST_BACKEND}`, (r) => vipsAndHostnames(r).hostnames.length === 1, 'east\'s backend in west');
    await waitForResource(m.api('west'), '/meshes/default/meshservices/backend', (r) => vipsAndHostnames(r).hostnames.length === 1, 'west\'s own backend');
  });

  after(async () => {
    for (const c of clients) await c.stop();
    for (const e of echoes) await e.stop();
    await m?.stop();
  });

  it('west reaches east\'s real backends by backend.svc.east.mesh.local', async () => {
    const eastVip = vipsAndHostnames(await waitForResource(m.api('west'), `/meshes/default/meshservices/${EAST_BACKEND}`, () => true, 'copy')).vips;
    assert.deepEqual(await dig(m.dns('west'), 'backend.svc.east.mesh.local'), eastVip);
    const c = client(`backend.svc.east.mesh.local:${port}`);
    const report = await c.until((r) => (r.counts['east-1'] ?? 0) >= RPCS && (r.counts['east-2'] ?? 0) >= RPCS, 30_000, `${RPCS} RPCs answered by each of east's backends`);
    assert.deepEqual(Object.keys(report.counts).sort(), ['east-1', 'east-2'], 'never west\'s backend');
  });

  it('a MeshService of the same name in west is a different destination, and its traffic stays in west', async () => {
    const local = vipsAndHostnames(await waitForResource(m.api('west'), '/meshes/default/meshservices/backend', () => true, 'west backend'));
    assert.deepEqual(local.hostnames, ['backend.svc.mesh.local']);
    const remote = await dig(m.dns('west'), 'backend.svc.east.mesh.local');
    assert.notDeepEqual(local.vips, remote, 'two VIPs, two destinations');
    const c = client(`backend.svc.mesh.local:${port}`);
    const report = await c.until((r) => (r.counts['west-1'] ?? 0) >= 3 * RPCS, 30_000, `${3 * RPCS} RPCs answered in west`);
    assert.deepEqual(Object.keys(report.counts), ['west-1']);
  });

  it('a MeshHTTPRoute in west sends west\'s backend to a backendRef by labels {display-name: backend, zone: east}', async () => {
    const c = client(`backend.svc.mesh.local:${port}`);
    await c.until((r) => (r.counts['west-1'] ?? 0) >= RPCS, 30_000, 'west\'s backend answers before the route');
    const route = {
      type: 'MeshHTTPRoute',
      mesh: 'default',
      name: 'backend-to-east',
      spec: {
        targetRef: { kind: 'Mesh' },
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'main' },
            rules: [
              {
                matches: [{ path: { type: 'PathPrefix', value: '/meshplane.test.Echo' } }],
                default: { backendRefs: [{ kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east' }, port }] },
              },
            ],
          },
        ],
      },
    };
    const routed = Date.now();
    await put(m.api('west'), '/meshes/default/meshhttproutes/backend-to-east', route);
    const moved = await c.until((r) => ['east-1', 'east-2'].every((b) => XdsClient.answeredSince(r, routed).includes(b)), 15_000, 'east\'s backends answer through the route');
    const later = await c.until((r) => eastCount(r) >= eastCount(moved) + RPCS, 15_000, `${RPCS} more RPCs routed to east`);
    assert.equal(later.counts['west-1'], moved.counts['west-1'], 'west\'s backend answered nothing meanwhile');

    const removed = Date.now();
    assert.equal((await rest(m.api('west'), 'DELETE', '/meshes/default/meshhttproutes/backend-to-east')).status, 200);
    await c.until((r) => (r.lastSeen['west-1'] ?? 0) > removed, 15_000, 'west\'s backend answers again without the route');
  });

  it('a MeshMultiZoneService made on global spans both zones: west first, east when west\'s backend is not ready', async () => {
    const spec = { selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } }, ports: [{ port, appProtocol: 'grpc' }] };
    await put(m.api('global'), '/meshes/default/meshmultizoneservices/backend', { type: 'MeshMultiZoneService', mesh: 'default', name: 'backend', spec });
    const inWest = await waitForResource(
      m.api('west'),
      `/meshes/default/meshmultizoneservices/${MMZS}`,
      (r) => ((r.status as { meshServices?: unknown[] } | undefined)?.meshServices ?? []).length === 2 && vipsAndHostnames(r).vips.length === 1,
      'the MeshMultiZoneService in west, over both backends, with a VIP',
    );
    const { vips, hostnames } = vipsAndHostnames(inWest);
    assert.deepEqual(hostnames, ['backend.mzsvc.mesh.local']);
    assert.match(vips[0] ?? '', /^243\./);
    assert.deepEqual(await dig(m.dns('west'), 'backend.mzsvc.mesh.local'), vips);

    const c = client(`backend.mzsvc.mesh.local:${port}`);
    await c.until((r) => (r.counts['west-1'] ?? 0) >= RPCS, 30_000, 'served in west first (priority 0)');
    assert.deepEqual(Object.keys((await c.until(() => true, 1_000, 'a report')).counts), ['west-1']);

    const failedOver = Date.now();
    await put(m.api('west'), '/meshes/default/dataplanes/backend-w1', dataplaneDoc('backend-w1', '127.0.0.4', port, 'backend', 'NotReady'));
    const moved = await c.until((r) => ['east-1', 'east-2'].every((b) => XdsClient.answeredSince(r, failedOver).includes(b)), 15_000, 'both of east\'s backends answer once west\'s is not ready');
    const later = await c.until((r) => eastCount(r) >= eastCount(moved) + RPCS, 15_000, `${RPCS} more RPCs in east`);
    assert.equal(later.counts['west-1'], moved.counts['west-1'], 'west\'s backend answered nothing meanwhile');

    const back = Date.now();
    await put(m.api('west'), '/meshes/default/dataplanes/backend-w1', dataplaneDoc('backend-w1', '127.0.0.4', port, 'backend'));
    await c.until((r) => (r.lastSeen['west-1'] ?? 0) > back, 15_000, 'west serves again once its backend is ready');
  });
});
