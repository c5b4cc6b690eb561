/**
 * End to end, MeshCircuitBreaker as gRPC's own xDS client (@grpc/grpc-js-xds, in this process)
 * applies it, against a real `meshplane run` with resources PUT over its REST API:
 * - connectionLimits.maxRequests is gRPC's limit of concurrent calls to a cluster: with a limit of
 *   2, a third call while two are held by the backend fails at once with UNAVAILABLE ("Call dropped
 *   by load balancing policy."), and without the policy (before it, after its deletion) three calls
 *   are held together;
 * - outlier detection by failure percentage: of two endpoints one fails every call; about half the
 *   calls fail until the policy comes, then gRPC ejects the failing endpoint and all calls succeed
 *   (on a channel that already had the cluster: see the EDS service name in cluster.ts);
 * - the client NACKs nothing, and `_destinations` names the policy behind each setting.
 * The backends are grpc-js servers in this process (gate-backend.ts) whose Slow calls are held
 * until the test releases them, so "two calls in flight" is observed, not assumed from timing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { kindByName } from '../../src/core/registry.js';
import { startMeshplane, type MeshplaneProcess } from '../support/process.js';
import { waitFor } from '../support/wait-for.js';
import { type EchoClient, echoClientConstructor, type EchoMethod } from '../support/xds-clients/echo-service.js';
import { GateBackend } from '../support/xds-clients/gate-backend.js';

interface Outcome {
  readonly backend?: string;
  readonly code?: string;
  readonly details?: string;
  readonly ms: number;
}

describe('MeshCircuitBreaker seen by a gRPC proxyless client', () => {
  let cp: MeshplaneProcess;
  let gate: GateBackend;
  let good: GateBackend;
  let bad: GateBackend;
  const clients: EchoClient[] = [];
  let gateClient: EchoClient;
  let pairClient: EchoClient;

  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${cp.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function put(doc: { readonly type: string; readonly name: string; readonly [field: string]: unknown }): Promise<Record<string, unknown>> {
    const path = doc.type === 'Mesh' ? `/meshes/${doc.name}` : `/meshes/default/${kindByName(doc.type).plural}/${doc.name}`;
    const answer = await request('PUT', path, doc);
    assert.ok(answer.status === 200 || answer.status === 201, `PUT ${path}: ${JSON.stringify(answer)}`);
    return answer.body;
  }

  const dataplane = (name: string, service: string, address: string, port: number) => ({
    type: 'Dataplane',
    mesh: 'default',
    name,
    networking: { address, inbound: [{ port, name: 'grpc', tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }] },
  });

  function call(client: EchoClient, method: 'Echo' | 'Slow', deadlineMs: number): Promise<Outcome> {
    const started = performance.now();
    return new Promise((resolve) => {
      const m = (client as unknown as Record<string, EchoMethod>)[method] as EchoMethod;
      m.call(client, { message: 'hi' }, new grpc.Metadata(), { deadline: new Date(Date.now() + deadlineMs) }, (err, reply) => {
        const ms = Math.round(performance.now() - started);
        resolve(err || reply === undefined ? { code: err ? grpc.status[err.code] : 'NO_REPLY', details: err?.details ?? '', ms } : { backend: reply.backend, ms });
      });
    });
  }

  /**
   * Starts `n` Slow calls to the gate one after the other, each once the one before is held by the
   * backend or has already failed; then releases the held ones and returns every outcome in order.
   */
  async function concurrentSlowCalls(n: number): Promise<Outcome[]> {
    const outcomes: Promise<Outcome>[] = [];
    for (let i = 0; i < n; i++) {
      const before = gate.heldCount;
      const outcome = call(gateClient, 'Slow', 10_000);
      outcomes.push(outcome);
      await Promise.race([gate.holding(before + 1), outcome]);
    }
    gate.releaseAll();
    return Promise.all(outcomes);
  }

  const dropped = (o: Outcome): boolean => o.code === 'UNAVAILABLE' && o.details === 'Call dropped by load balancing policy.';

  before(async () => {
    gate = await new GateBackend('gate').start();
    good = await new GateBackend('pair-good').start();
    bad = await new GateBackend('pair-bad', true).start('127.0.0.2', good.port);
    cp = await startMeshplane(['--store', 'memory', '--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--log-level', 'warn']);
    await put({ type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } });
    await put(dataplane('gate-1', 'gate', '127.0.0.1', gate.port));
    await put(dataplane('pair-good-1', 'pair', '127.0.0.1', good.port));
    await put(dataplane('pair-bad-1', 'pair', '127.0.0.2', good.port));
    await put({ type: 'Dataplane', mesh: 'default', name: 'web', networking: { address: '127.0.0.1', inbound: [{ port: 65002, tags: { 'kuma.io/service': 'web' } }] } });
    for (const name of ['gate', 'pair']) {
      await waitFor(`MeshService ${name} generated with a VIP and a hostname`, async () => {
        const ms = await request('GET', `/meshes/default/meshservices/${name}`);
        const status = ms.body.status as { vips?: unknown[]; addresses?: unknown[] } | undefined;
        return ms.status === 200 && (status?.vips?.length ?? 0) > 0 && (status?.addresses?.length ?? 0) > 0 ? true : undefined;
      });
    }
    const xds = await import('@grpc/grpc-js-xds');
    xds.register();
    const bootstrap = JSON.stringify({
      xds_servers: [{ server_uri: String(cp.ready.xds).replace(/^grpc:\/\//, ''), channel_creds: [{ type: 'insecure' }], server_features: [] }],
      node: { id: 'default.web', cluster: 'e2e', locality: {} },
    });
    const Echo = echoClientConstructor();
    const options = { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': bootstrap, 'grpc.enable_http_proxy': 0 };
    gateClient = new Echo(`xds:///gate.svc.mesh.local:${gate.port}`, grpc.credentials.createInsecure(), options);
    pairClient = new Echo(`xds:///pair.svc.mesh.local:${good.port}`, grpc.credentials.createInsecure(), options);
    clients.push(gateClient, pairClient);
  });

  after(async () => {
    for (const c of clients) c.close();
    await cp?.stop();
    await Promise.all([gate, good, bad].filter((b) => b !== undefined).map((b) => b.stop()));
  });

  it('without a MeshCircuitBreaker, three calls are in flight together', async () => {
    await waitFor('the gate answers through xDS', async () => ((await call(gateClient, 'Echo', 2000)).backend === 'gate' ? true : undefined), 20_000);
    const outcomes = await concurrentSlowCalls(3);
    assert.deepEqual(outcomes.map((o) => o.backend ?? o.code), ['gate', 'gate', 'gate']);
  });

  it('maxRequests 2: a third concurrent call is dropped at once; sequential calls still pass', async () => {
    const answer = await put({
      type: 'MeshCircuitBreaker',
      mesh: 'default',
      name: 'gate-limits',
      spec: { to: [{ targetRef: { kind: 'MeshService', name: 'gate' }, default: { connectionLimits: { maxRequests: 2, maxConnections: 10 } } }] },
    });
    assert.deepEqual(answer.warnings ?? [], []);
    await waitFor('the limit reaches the client', async () => ((await concurrentSlowCalls(3)).some(dropped) ? true : undefined), 20_000);
    const outcomes = await concurrentSlowCalls(4);
    assert.deepEqual(outcomes.map((o) => o.backend ?? `${o.code}: ${o.details}`), [
      'gate',
      'gate',
      'UNAVAILABLE: Call dropped by load balancing policy.',
      'UNAVAILABLE: Call dropped by load balancing policy.',
    ]);
    for (const o of outcomes.slice(2)) assert.ok(o.ms < 1000, `a dropped call took ${o.ms} ms`);
    for (let i = 0; i < 5; i++) assert.equal((await call(gateClient, 'Echo', 2000)).backend, 'gate');
  });

  it('outlier detection by failure percentage ejects the endpoint that fails every call', async () => {
    const calls = async (n: number): Promise<Outcome[]> => {
      const out: Outcome[] = [];
      for (let i = 0; i < n; i++) out.push(await call(pairClient, 'Echo', 2000));
      return out;
    };
    await waitFor('both pair endpoints answer', async () => {
      const batch = await calls(10);
      return batch.some((o) => o.backend === 'pair-good') && batch.some((o) => o.code === 'UNAVAILABLE') ? true : undefined;
    }, 20_000);
    await put({
      type: 'MeshCircuitBreaker',
      mesh: 'default',
      name: 'pair-outliers',
      spec: {
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'pair' },
            default: {
              outlierDetection: { interval: '1s', baseEjectionTime: '5m', maxEjectionPercent: 50, detectors: { failurePercentage: { minimumHosts: 2, requestVolume: 5, threshold: 50 } } },
            },
          },
        ],
      },
    });
    await waitFor('a batch of 20 calls without a failure', async () => ((await calls(20)).every((o) => o.backend === 'pair-good') ? true : undefined), 20_000);
    const outcomes = await calls(50);
    assert.deepEqual(
      outcomes.filter((o) => o.backend !== 'pair-good'),
      [],
    );
  });

  it('the client NACKed nothing, and _destinations names the policy behind each setting', async () => {
    const config = await request('GET', '/meshes/default/dataplanes/web/_config');
    const xds = config.body.xds as { totals: { nacks: number }; lastNack: unknown };
    assert.equal(config.body.client, 'proxyless');
    assert.equal(xds.totals.nacks, 0, JSON.stringify(xds.lastNack));
    const explained = await request('GET', '/meshes/default/dataplanes/web/_destinations');
    type Port = { circuitBreakers: { setting: string; value: unknown; from: string }[]; notes: string[] };
    const ports = (name: string): Port[] => ((explained.body.destinations as { name: string; ports: Port[] }[]).find((d) => d.name === name)?.ports ?? []);
    assert.deepEqual(ports('gate')[0]?.circuitBreakers, [
      { setting: 'connectionLimits.maxConnections', value: 10, from: 'MeshCircuitBreaker/gate-limits' },
      { setting: 'connectionLimits.maxRequests', value: 2, from: 'MeshCircuitBreaker/gate-limits' },
    ]);
    assert.deepEqual(ports('gate')[0]?.notes, [
      'gRPC clients apply only connectionLimits.maxRequests and outlier detection by successRate or failurePercentage; not applied: connectionLimits.maxConnections (MeshCircuitBreaker/gate-limits)',
    ]);
    assert.deepEqual(
      ports('pair')[0]?.circuitBreakers.map((s) => s.setting),
      ['outlierDetection.interval', 'outlierDetection.baseEjectionTime', 'outlierDetection.maxEjectionPercent', 'outlierDetection.detectors.failurePercentage.minimumHosts', 'outlierDetection.detectors.failurePercentage.requestVolume', 'outlierDetection.detectors.failurePercentage.threshold'],
    );
  });

  it('deleting the MeshCircuitBreaker lifts the limit', async () => {
    assert.equal((await request('DELETE', '/meshes/default/meshcircuitbreakers/gate-limits')).status, 200);
    await waitFor('three calls in flight again', async () => ((await concurrentSlowCalls(3)).every((o) => o.backend === 'gate') ? true : undefined), 20_000);
  });
});
