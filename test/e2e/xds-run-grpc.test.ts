/**
 * Issue 4's "Done when", as a new user meets it, every part a real process on loopback: `meshplane
 * run`, gRPC echo servers registered with `meshplane apply` as Dataplanes of `backend`, the
 * MeshService `backend` the control plane generates from them, and @grpc/grpc-js-xds clients
 * registered as Dataplane `web-1` that start from `meshplane dataplane bootstrap --proxyless`
 * (GRPC_XDS_BOOTSTRAP), plus a light delta-xDS client. Backends share one port on different
 * loopback addresses (127.0.0.x), as the Dataplanes of one generated MeshService must. Mode
 * changes that bring a Listener back use a fresh client: grpc-js-xds 1.14 does not notice a
 * Listener that returns (see xds-modes.test.ts). Timed changes go through the REST calls the CLI
 * makes, so node's start-up is not counted; measurements are printed as `# measured:` lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeResource } from '../../src/xds/envoy/encode.js';
import { TYPE_URL } from '../../src/xds/envoy/type-urls.js';
import { waitFor } from '../support/wait-for.js';
import { DeltaTestClient, type DeltaResponse } from '../support/xds-clients/delta-test-client.js';
import type { EchoBackend } from '../support/xds-clients/echo-service.js';
import { backendsOnOnePort, dataplaneYaml, median, MeshplaneRun, meshYaml } from '../support/xds-clients/meshplane-run-harness.js';
import { type Counts, XdsClientProcess } from '../support/xds-clients/xds-client-process.js';

interface MeshServiceJson {
  spec: { ports: unknown[] };
  status?: { vips?: { ip: string }[]; addresses?: { hostname: string }[]; dataplaneProxies?: { connected?: number } };
}

const total = (c: Counts): number => Object.values(c.counts).reduce((a, b) => a + b, 0);
const NEWCOMERS = [0, 1, 2, 3, 4].map((i) => [`new-${i}`, 10 + i] as const);
const { listener: LDS, cluster: CDS, clusterLoadAssignment: EDS } = TYPE_URL;

describe('meshplane run serving gRPC xDS clients, end to end', () => {
  let run: MeshplaneRun;
  let backends = new Map<string, EchoBackend>();
  let port = 0;
  let bootstrap = '';
  const clients: XdsClientProcess[] = [];
  const client = (target: string): XdsClientProcess => {
    const c = new XdsClientProcess({ bootstrapFile: bootstrap, target });
    clients.push(c);
    return c;
  };
  const stopClients = (): Promise<unknown> => Promise.all(clients.splice(0).map((c) => c.stop()));
  const msTarget = (): string => `backend.svc.mesh.local:${port}`;
  const meshService = (name: string): Promise<MeshServiceJson | undefined> => run.getJson<MeshServiceJson>(`/meshes/default/meshservices/${name}`);
  const backendDataplane = (name: string, n: number, extra = ''): string => dataplaneYaml(name, 'backend', `127.0.0.${n}`, port, extra);
  const generated = (name: string): Promise<MeshServiceJson> =>
    waitFor(`MeshService ${name} with its VIP and hostname`, async () => {
      const ms = await meshService(name);
      return ms?.status?.vips?.length && ms.status.addresses?.some((a) => a.hostname === `${name}.svc.mesh.local`) ? ms : undefined;
    }, 15_000);
  const connectedWeb = (n: number): Promise<true> =>
    waitFor(`web: dataplaneProxies.connected ${n}`, async () => ((await meshService('web'))?.status?.dataplaneProxies?.connected === n ? true : undefined));
  const noNacks = async (): Promise<void> => assert.deepEqual((await run.xdsCounters()).nacks, {}, 'a client NACKed');
  const failing = (c: XdsClientProcess, what: string): Promise<Counts> => c.until((r) => r.failing >= 3, 20_000, what);
  /** `c` never had an answer, and its last 3 RPCs failed. */
  const neverResolves = async (c: XdsClientProcess, what: string): Promise<void> => assert.deepEqual((await failing(c, what)).counts, {}, what);

  before(async () => {
    ({ backends, port } = await backendsOnOnePort([['backend-a', 2], ['backend-b', 3], ...NEWCOMERS, ['other-a', 20]]));
    run = await MeshplaneRun.start();
    const web1 = dataplaneYaml('web-1', 'web', '127.0.0.1', 9000);
    await run.apply([meshYaml('Exclusive'), backendDataplane('backend-1', 2), backendDataplane('backend-2', 3), web1].join('---\n'));
    bootstrap = await run.bootstrapFile('web-1', true);
  });

  after(async () => {
    await stopClients();
    await run?.stop();
    await Promise.all([...backends.values()].map((b) => b.stop()));
  });

  it('Exclusive: the generated MeshService answers round-robin from both backends; backend.mesh does not resolve', async () => {
    const ms = await generated('backend');
    assert.match(ms.status?.vips?.[0]?.ip ?? '', /^241\./);
    assert.deepEqual(ms.spec.ports, [{ name: String(port), port, targetPort: port, appProtocol: 'grpc' }]);
    const web = client(msTarget());
    const first = await web.until(web.bothAnsweredSince(0), 20_000, `${msTarget()} answered by both backends`);
    const later = await web.until((c) => total(c) >= total(first) + 200, 10_000, '200 more RPCs');
    const a = (later.counts['backend-a'] ?? 0) - (first.counts['backend-a'] ?? 0);
    const b = (later.counts['backend-b'] ?? 0) - (first.counts['backend-b'] ?? 0);
    assert.ok(Math.abs(a - b) <= 2, `round robin: backend-a ${a}, backend-b ${b}`);
    assert.equal(later.errors, first.errors, later.lastError);
    const legacy = client('backend.mesh');
    await neverResolves(legacy, 'backend.mesh does not resolve in Exclusive');
    await legacy.stop();
    clients.pop();
  });

  it('the client of web-1 counts as a connected proxy of MeshService web while it runs', async () => {
    await connectedWeb(1);
  });

  it('a delta client gets only the changed ClusterLoadAssignment after one endpoint change', async () => {
    await run.apply(dataplaneYaml('probe-1', 'probe', '127.0.0.1', 9100));
    const probe = new DeltaTestClient(run.xdsAddress, { id: 'default.probe-1', cluster: 'probe' });
    try {
      const answer = async (typeUrl: string, subscribe?: string[]): Promise<DeltaResponse> => {
        probe.request(typeUrl, subscribe === undefined ? {} : { subscribe });
        const response = await probe.nextOf(typeUrl, 10_000);
        probe.ack(response);
        return response;
      };
      await answer(LDS);
      const clusters = (await answer(CDS)).resources.map((r) => decodeResource(r.resource) as { name: string; type?: string });
      const claNames = clusters.filter((c) => c.type === 'EDS').map((c) => c.name);
      const backendCla = `default_backend__default_msvc_${port}`;
      assert.ok(claNames.includes(backendCla), `${backendCla} among ${claNames.join(', ')}`);
      const barrierName = claNames.find((n) => n !== backendCla) ?? '';
      await answer(EDS, claNames);
      /** Everything sent from `mark` until a re-subscription of `barrierName` is answered (one stream is ordered). */
      const sentSince = async (mark: number): Promise<DeltaResponse[]> => {
        const from = probe.responses.mark();
        probe.request(EDS, { unsubscribe: [barrierName] });
        probe.request(EDS, { subscribe: [barrierName] });
        const at = await probe.responses.waitFrom(from, (r) => r.type_url === EDS && r.resources.some((x) => x.name === barrierName), 5_000, 'the barrier');
        probe.ack(probe.responses.all[at] as DeltaResponse);
        return probe.responses.all.slice(mark, at);
      };
      await sentSince(probe.responses.mark());
      for (const state of ['NotReady', 'Ready']) {
        const mark = probe.responses.mark();
        probe.responses.skipAll();
        await run.apply(backendDataplane('backend-2', 3, `    state: ${state}\n`));
        probe.ack(await probe.nextOf(EDS, 10_000));
        const sent = (await sentSince(mark)).map((r) => ({ type: r.type_url, names: r.resources.map((x) => x.name), removed: r.removed_resources }));
        assert.deepEqual(sent, [{ type: EDS, names: [backendCla], removed: [] }], `after backend-2 turned ${state}`);
      }
    } finally {
      probe.close();
    }
    const web = clients[0] as XdsClientProcess;
    await web.until(web.bothAnsweredSince(Date.now()), 10_000, 'backend-b answering again');
  });

  it(`a new backend is reached, and a deleted one left, quickly (${NEWCOMERS.length} runs)`, async () => {
    const web = clients[0] as XdsClientProcess;
    const reach: number[] = [];
    const moved: number[] = [];
    for (const [name, n] of NEWCOMERS) {
      const applied = await run.putDataplane(backendDataplane(`backend-${name}`, n));
      const seen = await web.until((c) => c.firstSeen[name] !== undefined, 10_000, `${name} answering`);
      reach.push((seen.firstSeen[name] ?? 0) - applied.startedAt);
      const deleted = await run.deleteDataplane(`backend-${name}`);
      const gone = await web.until((c) => c.recent.length === 30 && !c.recent.includes(name) && c.at > deleted.doneAt, 10_000, `${name} left`);
      moved.push((gone.lastSeen[name] ?? 0) - deleted.startedAt);
    }
    console.log(`# measured: PUT Dataplane -> first RPC on the new backend: p50 ${median(reach)} ms of ${JSON.stringify(reach)}`);
    console.log(`# measured: DELETE Dataplane -> last RPC on it: p50 ${median(moved)} ms of ${JSON.stringify(moved)}`);
    for (const ms of moved) assert.ok(ms < 1000, `traffic moved ${ms} ms after the delete`);
  });

  it('deleting backend-2 moves all traffic to backend-a within a second', async () => {
    const web = clients[0] as XdsClientProcess;
    const deleted = await run.deleteDataplane('backend-2');
    try {
      const after = await web.until((c) => c.streak.backend === 'backend-a' && c.streak.count >= 30 && c.at > deleted.doneAt, 10_000, '30 RPCs in a row by backend-a');
      const ms = (after.lastSeen['backend-b'] ?? 0) - deleted.startedAt;
      console.log(`# measured: DELETE backend-2 -> last RPC on backend-b: ${ms} ms`);
      assert.ok(ms < 1000, `backend-b answered ${ms} ms after the delete`);
    } finally {
      await run.apply(backendDataplane('backend-2', 3)); // the later steps need it, even when this one failed
    }
    await web.until(web.bothAnsweredSince(Date.now()), 10_000, 'backend-b back');
    await noNacks();
  });

  it('stopping the client takes web-1 out of the connected count', async () => {
    await stopClients();
    await connectedWeb(0);
  });

  it('Disabled: the MeshService target stops resolving, backend.mesh answers from both backends', async () => {
    const web = client(msTarget());
    await web.until(web.bothAnsweredSince(0), 20_000, 'MeshService answering again');
    await run.apply(meshYaml('Disabled'));
    await failing(web, `${msTarget()} failing in Disabled`);
    await waitFor('the generated MeshService backend deleted', async () => ((await meshService('backend')) === undefined ? true : undefined), 15_000);
    const legacy = client('backend.mesh');
    await legacy.until(legacy.bothAnsweredSince(0), 20_000, 'backend.mesh answered by both backends');
    await noNacks();
  });

  it('Everywhere: both the MeshService hostname and backend.mesh answer from both backends', async () => {
    await stopClients();
    await run.apply(meshYaml('Everywhere'));
    await generated('backend');
    const [web, legacy] = [client(msTarget()), client('backend.mesh')];
    await web.until(web.bothAnsweredSince(0), 20_000, `${msTarget()} answered by both backends`);
    await legacy.until(legacy.bothAnsweredSince(0), 20_000, 'backend.mesh answered by both backends');
    await noNacks();
  });

  it('ReachableBackends: only the MeshServices web-1 lists resolve; no client ever NACKed, every type was ACKed', async () => {
    await stopClients();
    await run.apply([meshYaml('ReachableBackends'), dataplaneYaml('other-1', 'other', '127.0.0.20', port)].join('---\n'));
    await generated('other');
    await neverResolves(client(msTarget()), 'backend unreachable before web-1 lists it');
    await stopClients();
    const reachable = '  transparentProxying:\n    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: backend\n';
    await run.apply(dataplaneYaml('web-1', 'web', '127.0.0.1', 9000, reachable));
    const [web, notListed] = [client(msTarget()), client(`other.svc.mesh.local:${port}`)];
    await web.until(web.bothAnsweredSince(0), 20_000, `${msTarget()} answered once listed`);
    await neverResolves(notListed, 'other, not listed, does not resolve');
    const counters = await run.xdsCounters();
    assert.deepEqual(counters.nacks, {}, 'no NACK during the whole test');
    for (const type of ['LDS', 'RDS', 'CDS', 'EDS']) assert.ok((counters.acks[type] ?? 0) > 0, `${type} ACKed: ${JSON.stringify(counters.acks)}`);
    console.log(`# measured: meshplane CLI commands took p50 ${median(run.cliMs)} ms (node start-up included) over ${run.cliMs.length} calls`);
  });
});
