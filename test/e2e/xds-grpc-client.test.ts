/**
 * End to end with gRPC's own xDS client (@grpc/grpc-js-xds) in a child process: our ADS server
 * publishes a hand-built snapshot (api_listener -> RDS -> EDS cluster -> two real echo backends);
 * RPCs to xds:///backend.svc.mesh.local:8080 must round-robin over both, move to the remaining one
 * within a second of an endpoint removal, and every response must be ACKed, none NACKed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StreamEvent } from '../../src/xds/cache.js';
import { TYPE_URL } from '../../src/xds/envoy/type-urls.js';
import { baselineResources } from '../support/xds-clients/baseline-resources.js';
import { startEchoBackend, type EchoBackend } from '../support/xds-clients/echo-service.js';
import { MessageLog } from '../support/xds-clients/message-log.js';
import { startTestXdsServer, type TestXdsServer } from '../support/xds-clients/test-xds-server.js';

const NODE_ID = 'default.web-1';
const TARGET = 'backend.svc.mesh.local:8080';

interface ClientLine {
  readonly event: 'loaded' | 'first-rpc' | 'counts';
  readonly sinceStartMs?: number;
  readonly sinceChannelMs?: number;
  readonly loadMs?: number;
  readonly at?: number;
  readonly counts?: Record<string, number>;
  readonly lastSeen?: Record<string, number>;
  readonly streak?: { readonly backend: string; readonly count: number };
  readonly errors?: number;
  readonly lastError?: string;
}

/** The child runs from the same tree as this test: .ts through tsx, or compiled .js from dist. */
function spawnClient(config: Record<string, unknown>): ChildProcessWithoutNullStreams {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const file = join(dirname(here), '..', 'support', 'xds-clients', `grpc-xds-client-process.${fromSource ? 'ts' : 'js'}`);
  const args = fromSource ? ['--import', 'tsx', file] : [file];
  return spawn(process.execPath, [...args, JSON.stringify(config)], { stdio: 'pipe', env: { ...process.env, no_proxy: '127.0.0.1' } });
}

describe('gRPC xDS client (grpc-js-xds) against our ADS server', () => {
  let xds: TestXdsServer;
  let backends: EchoBackend[];
  let child: ChildProcessWithoutNullStreams | undefined;
  const lines = new MessageLog<ClientLine>();
  const stderr: string[] = [];

  before(async () => {
    xds = await startTestXdsServer();
    backends = await Promise.all([startEchoBackend('backend-a'), startEchoBackend('backend-b')]);
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.stdin.end();
      await exited;
    }
    await xds.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it('round-robins over both endpoints, follows an endpoint removal within a second, and ACKs everything', async (t) => {
    const [a, b] = backends as [EchoBackend, EchoBackend];
    const endpoint = (backend: EchoBackend): { address: string; port: number } => ({ address: '127.0.0.1', port: backend.port });
    xds.publish(NODE_ID, baselineResources(TARGET, 'backend', [endpoint(a), endpoint(b)]));

    const spawnedAt = Date.now();
    child = spawnClient({ xdsServer: xds.server.address, nodeId: NODE_ID, target: TARGET });
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as ClientLine));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.on('exit', (code) => lines.end(new Error(`client exited with ${code}: ${stderr.join('')}`)));

    const loaded = await lines.next((l) => l.event === 'loaded', 30_000, 'grpc-js-xds to load');
    const firstRpc = await lines.next((l) => l.event === 'first-rpc', 30_000, 'the first successful RPC');
    const parentSeenFirstRpc = Date.now() - spawnedAt;
    t.diagnostic(`client start -> first RPC: ${firstRpc.sinceStartMs} ms in the child (grpc-js-xds load ${loaded.loadMs} ms, channel -> first RPC ${firstRpc.sinceChannelMs} ms); spawn -> first RPC seen by the test ${parentSeenFirstRpc} ms`);

    const total = (l: ClientLine): number => Object.values(l.counts ?? {}).reduce((x, y) => x + y, 0);
    const spread = await lines.next((l) => l.event === 'counts' && total(l) >= 200, 30_000, '200 RPCs');
    const na = spread.counts?.['backend-a'] ?? 0;
    const nb = spread.counts?.['backend-b'] ?? 0;
    assert.equal(spread.errors, 0, `no RPC errors expected, last: ${spread.lastError}`);
    assert.ok(Math.abs(na - nb) <= total(spread) * 0.1, `round robin expected, got a=${na} b=${nb}`);

    const pushedAt = Date.now();
    xds.publish(NODE_ID, baselineResources(TARGET, 'backend', [endpoint(b)]));
    const edsVersion = xds.cache.getSnapshot(NODE_ID)?.version(TYPE_URL.clusterLoadAssignment);
    const isNewEdsAck = (e: { event: StreamEvent }): boolean => e.event.kind === 'ack' && e.event.typeUrl === TYPE_URL.clusterLoadAssignment && e.event.version === edsVersion;
    const ackIndex = await xds.cache.events.waitFrom(0, isNewEdsAck, 5000, 'the ACK of the new EDS version');
    const pushToAckMs = (xds.cache.events.all[ackIndex]?.at ?? Infinity) - pushedAt;
    const moved = await lines.next(
      (l) => l.event === 'counts' && (l.at ?? 0) > pushedAt && l.streak?.backend === 'backend-b' && l.streak.count >= 200,
      10_000,
      '200 RPCs in a row answered by backend-b after the push',
    );
    const lastA = moved.lastSeen?.['backend-a'] ?? 0;
    const pushToEffectMs = Math.max(0, lastA - pushedAt);
    t.diagnostic(`push -> EDS ACK at the server: ${pushToAckMs} ms; push -> last RPC answered by the removed endpoint: ${pushToEffectMs} ms (0: none after the push)`);
    assert.ok(pushToAckMs < 1000, `the client should ACK the new endpoints within 1 s, took ${pushToAckMs} ms`);
    assert.ok(pushToEffectMs < 1000, `traffic should leave the removed endpoint within 1 s, took ${pushToEffectMs} ms`);
    assert.equal(moved.errors, 0, `no RPC errors expected, last: ${moved.lastError}`);

    const snapshot = xds.cache.getSnapshot(NODE_ID);
    const status = xds.cache.status(NODE_ID);
    for (const typeUrl of [TYPE_URL.listener, TYPE_URL.routeConfiguration, TYPE_URL.cluster, TYPE_URL.clusterLoadAssignment]) {
      assert.equal(status?.types[typeUrl]?.lastAckedVersion, snapshot?.version(typeUrl), `${typeUrl} acked at the current version`);
      assert.equal(status?.types[typeUrl]?.nacks, 0, `${typeUrl} never NACKed`);
    }
    assert.equal(status?.totals.nacks, 0);
    assert.equal(status?.lastNack, undefined);
    for (const type of ['LDS', 'RDS', 'CDS', 'EDS']) assert.equal(await xds.counter('meshplane_xds_nacks_total', { type }), 0);
    assert.equal(status?.connectedStreams, 1);
  });
});
