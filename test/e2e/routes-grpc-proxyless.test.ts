/**
 * End to end, routes and policies that target MeshServices, as a user meets them: a real
 * `meshplane run`, resources PUT over its REST API, real echo backends, and gRPC's own xDS client
 * (@grpc/grpc-js-xds, in a child process) dialing `xds:///backend.svc.mesh.local:<port>`:
 * - a MeshHTTPRoute splits `backend` 90/10 with `backend-v2` (1000 RPCs, within 5 points);
 * - a path match on the port named `grpc` sends one gRPC method to backend-v2;
 * - a backendRef by labels picks the oldest of two labelled services;
 * - a backendRef to a MeshService that does not exist is a warning on PUT and a False condition,
 *   and its calls fail fast with UNAVAILABLE while the rest keeps working;
 * - MeshRetry turns a backend that fails every other call into all-success;
 * - MeshTimeout makes a slow call fail with DEADLINE_EXCEEDED at the configured time;
 * - through all of it the client NACKs nothing (the xDS status of `_config` says so), and
 *   `meshplane inspect dataplane web` explains the result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kindByName } from '../../src/core/registry.js';
import { runMeshplane, startMeshplane, type MeshplaneProcess } from '../support/process.js';
import { waitFor } from '../support/wait-for.js';
import { CallRunner } from '../support/xds-clients/call-runner.js';
import { startEchoBackend, type EchoBackend } from '../support/xds-clients/echo-service.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('routes and policies on MeshServices, seen by a gRPC proxyless client', () => {
  let cp: MeshplaneProcess;
  let runner: CallRunner;
  const backends: Record<string, EchoBackend> = {};
  let target = '';

  async function request(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${cp.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function put(doc: { readonly type: string; readonly name: string; readonly [field: string]: unknown }): Promise<Answer> {
    const path = doc.type === 'Mesh' ? `/meshes/${doc.name}` : `/meshes/default/${kindByName(doc.type).plural}/${doc.name}`;
    const answer = await request('PUT', path, doc);
    assert.ok(answer.status === 200 || answer.status === 201, `PUT ${path}: ${JSON.stringify(answer)}`);
    return answer;
  }

  const dataplane = (name: string, service: string, port: number) => ({
    type: 'Dataplane',
    mesh: 'default',
    name,
    networking: { address: '127.0.0.1', inbound: [{ port, name: 'grpc', tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }] },
  });

  const payments = (name: string, service: string, port: number) => ({
    type: 'MeshService',
    mesh: 'default',
    name,
    labels: { team: 'payments' },
    spec: { selector: { dataplaneTags: { 'kuma.io/service': service } }, ports: [{ name: 'grpc', port: 8080, targetPort: port, appProtocol: 'grpc' }] },
  });

  before(async () => {
    for (const name of ['backend', 'backend-v2', 'payments-old', 'payments-new']) backends[name] = await startEchoBackend(name);
    cp = await startMeshplane(['--store', 'memory', '--api-port', '0', '--xds-port', '0', '--dns-port', '0', '--log-level', 'warn']);
    await put({ type: 'Mesh', name: 'default', meshServices: { mode: 'Exclusive' } });
    const port = (name: string): number => backends[name]?.port ?? 0;
    await put(dataplane('backend-1', 'backend', port('backend')));
    await put(dataplane('backend-v2-1', 'backend-v2', port('backend-v2')));
    await put(dataplane('pay-old-1', 'pay-old', port('payments-old')));
    await put(dataplane('pay-new-1', 'pay-new', port('payments-new')));
    await put({ type: 'Dataplane', mesh: 'default', name: 'web', networking: { address: '127.0.0.1', inbound: [{ port: 65001, tags: { 'kuma.io/service': 'web' } }] } });
    // payments-old is created first: of the two services a labels backendRef matches, the oldest wins.
    await put(payments('payments-old', 'pay-old', port('payments-old')));
    await put(payments('payments-new', 'pay-new', port('payments-new')));
    for (const name of ['backend', 'backend-v2']) {
      await waitFor(`MeshService ${name} generated with a VIP and a hostname`, async () => {
        const ms = await request('GET', `/meshes/default/meshservices/${name}`);
        const status = ms.body.status as { vips?: unknown[]; addresses?: unknown[] } | undefined;
        return ms.status === 200 && (status?.vips?.length ?? 0) > 0 && (status?.addresses?.length ?? 0) > 0 ? true : undefined;
      });
    }
    target = `backend.svc.mesh.local:${port('backend')}`;
    runner = new CallRunner(String(cp.ready.xds).replace(/^grpc:\/\//, ''), 'default.web');
  });

  after(async () => {
    await runner?.stop();
    await cp?.stop();
    await Promise.all(Object.values(backends).map((b) => b.stop()));
  });

  const echo = (count: number, extra: { metadata?: Record<string, string>; method?: 'Echo' | 'Hello' | 'Slow' | 'Flaky'; delayMs?: number; deadlineMs?: number } = {}) => ({
    target,
    method: extra.method ?? 'Echo',
    count,
    deadlineMs: extra.deadlineMs ?? 5000,
    ...(extra.metadata ? { metadata: extra.metadata } : {}),
    ...(extra.delayMs ? { delayMs: extra.delayMs } : {}),
  });

  it('without routes, every call goes to backend', async () => {
    await runner.until(echo(20), (r) => r.ok.backend === 20, 20_000, '20 calls answered by backend');
  });

  it('a MeshHTTPRoute is applied; what resolves to nothing or to one of several is said in the PUT answer', async () => {
    const answer = await put({
      type: 'MeshHTTPRoute',
      mesh: 'default',
      name: 'backend-routes',
      spec: {
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'grpc' },
            rules: [
              { matches: [{ path: { type: 'Exact', value: '/meshplane.test.Echo/Hello' } }], default: { backendRefs: [{ kind: 'MeshService', name: 'backend-v2', sectionName: 'grpc' }] } },
              { matches: [{ headers: [{ type: 'Exact', name: 'x-team', value: 'payments' }] }], default: { backendRefs: [{ kind: 'MeshService', labels: { team: 'payments' }, port: 8080 }] } },
              { matches: [{ headers: [{ type: 'Exact', name: 'x-route', value: 'missing' }] }], default: { backendRefs: [{ kind: 'MeshService', name: 'backend-v3', port: 8080 }] } },
              {
                matches: [{ path: { type: 'PathPrefix', value: '/' } }],
                default: {
                  backendRefs: [
                    { kind: 'MeshService', name: 'backend', sectionName: 'grpc', weight: 90 },
                    { kind: 'MeshService', name: 'backend-v2', sectionName: 'grpc', weight: 10 },
                  ],
                },
              },
            ],
          },
        ],
      },
    });
    assert.equal(answer.status, 201);
    const warnings = (answer.body.warnings ?? []) as string[];
    assert.ok(warnings.some((w) => w.startsWith("spec.to[0].rules[2].default.backendRefs[0]: MeshService 'backend-v3' does not exist in mesh 'default'")), JSON.stringify(warnings));
    assert.ok(warnings.some((w) => w.includes("the oldest, 'payments-old'")), JSON.stringify(warnings));
  });

  it('a path match on the port named grpc sends the Hello method to backend-v2', async () => {
    await runner.until(echo(10, { method: 'Hello' }), (r) => r.ok['backend-v2'] === 10, 20_000, 'Hello answered by backend-v2');
    const hello = await runner.run(echo(50, { method: 'Hello' }));
    assert.deepEqual(hello.ok, { 'backend-v2': 50 });
  });

  it('the split sends 90/10 between backend and backend-v2 over 1000 RPCs (within 5 points)', async () => {
    const r = await runner.run(echo(1000));
    assert.deepEqual(r.errors, {}, r.lastError);
    const v2 = r.ok['backend-v2'] ?? 0;
    assert.equal((r.ok.backend ?? 0) + v2, 1000);
    assert.ok(v2 >= 50 && v2 <= 150, `backend-v2 answered ${v2} of 1000 (expected 100 +- 50)`);
  });

  it('a backendRef by labels picks the oldest of the matching services', async () => {
    const r = await runner.run(echo(20, { metadata: { 'x-team': 'payments' } }));
    assert.deepEqual(r.ok, { 'payments-old': 20 });
  });

  it('a route to a missing MeshService fails fast with UNAVAILABLE, never elsewhere, and is reported on the route', async () => {
    const r = await runner.run(echo(10, { metadata: { 'x-route': 'missing' } }));
    assert.deepEqual(r.ok, {});
    assert.deepEqual(r.errors, { UNAVAILABLE: 10 });
    assert.ok(Math.max(...r.elapsedMs) < 1000, `calls took ${r.elapsedMs.join(', ')} ms`);
    const condition = await waitFor('the ReferencesResolved condition', async () => {
      const route = await request('GET', '/meshes/default/meshhttproutes/backend-routes');
      return ((route.body.status as { conditions?: { type: string; status: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'ReferencesResolved');
    });
    assert.equal(condition.status, 'False');
    assert.match(condition.message, /spec\.to\[0\]\.rules\[2\]\.default\.backendRefs\[0\]: MeshService 'backend-v3' does not exist/);
  });

  it('MeshRetry turns a backend that fails every other call into all-success', async () => {
    const before = await runner.run(echo(20, { method: 'Flaky' }));
    assert.ok((before.errors.UNAVAILABLE ?? 0) >= 5, `without retries calls fail: ${JSON.stringify(before)}`);
    await put({
      type: 'MeshRetry',
      mesh: 'default',
      name: 'backend-retries',
      spec: { to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: { grpc: { numRetries: 3, retryOn: ['Unavailable'] } } }] },
    });
    await runner.until(echo(50, { method: 'Flaky' }), (r) => Object.keys(r.errors).length === 0, 20_000, '50 Flaky calls without an error');
    const after = await runner.run(echo(100, { method: 'Flaky' }));
    assert.deepEqual(after.errors, {}, after.lastError);
  });

  it('MeshTimeout makes a slow call fail with DEADLINE_EXCEEDED at the configured time', async () => {
    const slow = await runner.run(echo(1, { method: 'Slow', delayMs: 1500, deadlineMs: 10_000 }));
    assert.equal(slow.ok.backend ?? slow.ok['backend-v2'], 1, `before the MeshTimeout the slow call succeeds: ${JSON.stringify(slow)}`);
    await put({
      type: 'MeshTimeout',
      mesh: 'default',
      name: 'backend-grpc-timeout',
      spec: { to: [{ targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'grpc' }, default: { http: { requestTimeout: '500ms' } } }] },
    });
    await runner.until(echo(1, { method: 'Slow', delayMs: 3000, deadlineMs: 10_000 }), (r) => r.errors.DEADLINE_EXCEEDED === 1, 20_000, 'a DEADLINE_EXCEEDED');
    const timed = await runner.run(echo(3, { method: 'Slow', delayMs: 3000, deadlineMs: 10_000 }));
    assert.deepEqual(timed.errors, { DEADLINE_EXCEEDED: 3 });
    for (const ms of timed.elapsedMs) assert.ok(ms >= 450 && ms < 1200, `failed after ${ms} ms, expected about 500`);
  });

  it('the client never NACKed, and the explain view shows where each setting came from', async () => {
    const config = await request('GET', '/meshes/default/dataplanes/web/_config');
    assert.equal(config.status, 200);
    const xds = config.body.xds as { totals: { nacks: number; acks: number }; lastNack: unknown; connectedStreams: number };
    assert.equal(config.body.source, 'snapshot');
    assert.equal(config.body.client, 'proxyless');
    assert.ok(xds.connectedStreams >= 1);
    assert.equal(xds.totals.nacks, 0, JSON.stringify(xds.lastNack));
    assert.equal(xds.lastNack, null);
    assert.ok(xds.totals.acks > 0);
    const inspect = await runMeshplane(['--api-url', cp.apiUrl, 'inspect', 'dataplane', 'web', '-m', 'default']);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, /MeshService\/backend\s+reachable\s+default\s+\d+\/grpc/);
    assert.match(inspect.stdout, /MeshHTTPRoute\/backend-routes\s+PathPrefix \/\s+90% MeshService\/backend:grpc, 10% MeshService\/backend-v2:grpc/);
    assert.match(inspect.stdout, /timeout http\.requestTimeout\s+500ms\s+MeshTimeout\/backend-grpc-timeout/);
    assert.match(inspect.stdout, /retry grpc\.numRetries\s+3\s+MeshRetry\/backend-retries/);
    assert.match(inspect.stdout, /MeshService 'backend-v3' port 8080 \(UNRESOLVED: fails closed\)/);
  });
});
