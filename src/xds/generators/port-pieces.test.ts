/**
 * Per-port pieces shared across the proxies of a mesh (port-pieces.ts): with one MeshContext, 50
 * proxies reaching the same ports hold one listener, route, cluster and CLA object per port, and a
 * fresh EncodingMemo encodes each once; and over many random meshes (policies selecting some
 * proxies, routes with backends, bindToPort, both client kinds) every proxy generated with a
 * shared MeshContext gets exactly the config it gets alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodingMemo } from '../envoy/encoding-memo.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import { ENVOY_CLIENT, type MeshContext, meshContextOf, type ProxyClient, PROXYLESS_CLIENT, proxyContextOf } from '../proxy-context.js';
import { buildSnapshot } from '../snapshot.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';
import { generateProxyConfig, type ProxyConfig } from './profile.js';
import { renderConfig } from './render-config.js';

const MESH = 'type: Mesh\nname: default\nmeshServices:\n  mode: Exclusive\n';

function service(name: string, vip: string, ports: readonly (readonly [number, string])[]): string {
  const list = ports.map(([port, protocol]) => `  - name: p${port}\n    port: ${port}\n    targetPort: ${port}\n    appProtocol: ${protocol}\n`).join('');
  return `---\ntype: MeshService\nmesh: default\nname: ${name}\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${name}\n  ports:\n${list}status:\n  vips:\n  - ip: ${vip}\n  addresses:\n  - hostname: ${name}.svc.mesh.local\n    origin: HostnameGenerator\n    hostnameGeneratorRef:\n      coreName: local\n`;
}

function dataplane(name: string, address: string, serviceName: string, port: number, extra = '', labels = ''): string {
  return `---\ntype: Dataplane\nmesh: default\nname: ${name}\n${labels ? `labels:\n${labels}` : ''}networking:\n  address: ${address}\n  inbound:\n  - port: ${port}\n    tags:\n      kuma.io/service: ${serviceName}\n      kuma.io/protocol: http\n${extra}`;
}

function policy(type: string, name: string, topLevel: string, to: string, body: string): string {
  return `---\ntype: ${type}\nmesh: default\nname: ${name}\nspec:\n  targetRef:\n${topLevel}  to:\n  - targetRef:\n${to}${body}`;
}

const MESH_TOP = '    kind: Mesh\n';
const MESH_TO = '      kind: Mesh\n';
const toService = (name: string): string => `      kind: MeshService\n      name: ${name}\n`;
const routeTo = (backend: string, port: number): string =>
  `    rules:\n    - matches:\n      - path:\n          type: PathPrefix\n          value: /v2\n      default:\n        backendRefs:\n        - kind: MeshService\n          name: ${backend}\n          port: ${port}\n`;
const timeout = (seconds: number): string => `    default:\n      connectionTimeout: ${seconds}s\n      http:\n        requestTimeout: ${seconds * 5}s\n`;

/** 3 MeshServices with 4 ports (a: http 80 + grpc 81, b: tcp 90, c: http 80), their Dataplanes, a Mesh-wide MeshTimeout, a route on a:80 sending /v2 to c:80. */
const BASE =
  MESH +
  service('svc-a', '241.0.0.1', [[80, 'http'], [81, 'grpc']]) +
  service('svc-b', '241.0.0.2', [[90, 'tcp']]) +
  service('svc-c', '241.0.0.3', [[80, 'http']]) +
  dataplane('a-1', '10.0.0.1', 'svc-a', 80) +
  dataplane('b-1', '10.0.0.2', 'svc-b', 90) +
  dataplane('c-1', '10.0.0.3', 'svc-c', 80) +
  policy('MeshTimeout', 'defaults', MESH_TOP, MESH_TO, timeout(3)) +
  policy('MeshHTTPRoute', 'a-v2', MESH_TOP, toService('svc-a'), routeTo('svc-c', 80));

function generateAll(yaml: string, names: readonly string[], client: ProxyClient): ProxyConfig[] {
  const view = new StaticView(resourcesFromYaml(yaml));
  const meshContext = meshContextOf(view, 'default');
  return names.map((name) => {
    const result = proxyContextOf(view, `default.${name}`, { client, meshContext });
    if (!result.ok) throw new Error(result.reason);
    return generateProxyConfig(result.context);
  });
}

function distinctObjects(configs: readonly ProxyConfig[], typeUrl: string, own: (name: string) => boolean): number {
  return new Set(configs.flatMap((c) => c.resources.filter((r) => r.typeUrl === typeUrl && own(String(r.resource.name ?? r.resource.cluster_name))).map((r) => r.resource))).size;
}

describe('per-port pieces shared by the proxies of a mesh', () => {
  const clients = Array.from({ length: 50 }, (_, i) => `client-${i}`);
  const yaml = BASE + clients.map((n, i) => dataplane(n, `10.1.0.${i + 1}`, 'client', 9000)).join('');

  it('50 sidecars: one object per destination port for outbound listeners, routes, clusters and CLAs; each encoded once', () => {
    const configs = generateAll(yaml, clients, ENVOY_CLIENT);
    const outbound = (name: string): boolean => !name.startsWith('inbound:') && !name.startsWith('localhost:');
    assert.equal(distinctObjects(configs, TYPE_URL.listener, outbound), 4, 'outbound:241.0.0.1:80, :81, 241.0.0.2:90, 241.0.0.3:80');
    assert.equal(distinctObjects(configs, TYPE_URL.routeConfiguration, outbound), 3, 'the three HTTP-like ports');
    assert.equal(distinctObjects(configs, TYPE_URL.cluster, outbound), 4);
    assert.equal(distinctObjects(configs, TYPE_URL.clusterLoadAssignment, outbound), 4);
    const memo = new EncodingMemo();
    for (const c of configs) buildSnapshot(c.resources.filter((r) => outbound(String(r.resource.name ?? r.resource.cluster_name))), memo);
    assert.equal(memo.stats.misses, 4 + 3 + 4 + 4);
    assert.equal(memo.stats.hits, 49 * (4 + 3 + 4 + 4));
  });

  it('after the first of 50 proxies with the same policies, the others build nothing new in the MeshContext', () => {
    const view = new StaticView(resourcesFromYaml(yaml));
    const meshContext = meshContextOf(view, 'default');
    if (meshContext === undefined) throw new Error('no mesh');
    const sizes = clients.map((name) => {
      const result = proxyContextOf(view, `default.${name}`, { client: ENVOY_CLIENT, meshContext });
      if (!result.ok) throw new Error(result.reason);
      generateProxyConfig(result.context);
      return meshContext.memo.size;
    });
    assert.ok((sizes[0] ?? 0) > 0);
    assert.deepEqual(new Set(sizes), new Set([sizes[0]]));
  });

  it('50 proxyless clients: one object per api_listener, route, cluster and CLA; a whole snapshot encodes each once', () => {
    const configs = generateAll(yaml, clients, PROXYLESS_CLIENT);
    const any = (): boolean => true;
    // Per port `<hostname>:<port>` and `<vip>:<port>`, and on port 80 the bare hostname too: 3 + 2 + 2 + 3.
    assert.equal(distinctObjects(configs, TYPE_URL.listener, any), 10);
    assert.equal(distinctObjects(configs, TYPE_URL.routeConfiguration, any), 4);
    assert.equal(distinctObjects(configs, TYPE_URL.cluster, any), 4);
    assert.equal(distinctObjects(configs, TYPE_URL.clusterLoadAssignment, any), 4);
    const memo = new EncodingMemo();
    for (const c of configs) buildSnapshot(c.resources, memo);
    assert.equal(memo.stats.misses, 10 + 4 + 4 + 4);
    assert.equal(memo.stats.hits, 49 * (10 + 4 + 4 + 4));
  });

  it('listeners and routes built under another MeshContext are encoded again only where their content differs', () => {
    const memo = new EncodingMemo();
    const encode = (text: string): number => {
      const before = memo.stats.misses;
      for (const c of generateAll(text, clients.slice(0, 3), PROXYLESS_CLIENT)) {
        buildSnapshot(c.resources.filter((r) => r.typeUrl === TYPE_URL.listener || r.typeUrl === TYPE_URL.routeConfiguration), memo);
      }
      return memo.stats.misses - before;
    };
    assert.equal(encode(yaml), 10 + 4);
    assert.equal(encode(yaml), 0, 'a new MeshContext over the same resources');
    assert.equal(encode(yaml.replace('connectionTimeout: 3s', 'connectionTimeout: 4s')), 0, 'a cluster setting: no listener or route changes');
    assert.equal(encode(yaml.replace('requestTimeout: 15s', 'requestTimeout: 20s')), 4, 'the request timeout is on every route configuration');
  });
});

function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return (a >>> 8) % n;
  };
}

const TOPS = [MESH_TOP, '    kind: Dataplane\n    labels:\n      team: a\n', '    kind: Dataplane\n    name: p-1\n', '    kind: MeshSubset\n    tags:\n      kuma.io/service: client-b\n'];
const TOS = [MESH_TO, toService('svc-a'), toService('svc-b'), toService('svc-c'), `${toService('svc-a')}      sectionName: p81\n`];

function randomMesh(r: (n: number) => number): { yaml: string; proxies: { name: string; client: ProxyClient }[] } {
  let yaml = MESH + service('svc-a', '241.0.0.1', [[80, 'http'], [81, 'grpc']]) + service('svc-b', '241.0.0.2', [[90, 'tcp']]) + service('svc-c', '241.0.0.3', [[80, 'http']]);
  yaml += dataplane('a-1', '10.0.0.1', 'svc-a', 80) + dataplane('b-1', '10.0.0.2', 'svc-b', 90) + dataplane('c-1', '10.0.0.3', 'svc-c', 80);
  const top = (): string => TOPS[r(TOPS.length)] ?? MESH_TOP;
  for (let i = 0; i < 1 + r(3); i++) yaml += policy('MeshTimeout', `t-${i}`, top(), TOS[r(TOS.length)] ?? '', timeout(1 + r(3)));
  for (let i = 0; i < r(3); i++) yaml += policy('MeshRetry', `r-${i}`, top(), TOS[r(TOS.length)] ?? '', `    default:\n      http:\n        numRetries: ${1 + r(4)}\n      grpc:\n        numRetries: ${1 + r(4)}\n`);
  for (let i = 0; i < r(3); i++) yaml += policy('MeshCircuitBreaker', `cb-${i}`, top(), TOS[r(TOS.length)] ?? '', `    default:\n      connectionLimits:\n        maxRequests: ${1 + r(100)}\n`);
  for (let i = 0; i < r(3); i++) yaml += policy('MeshHTTPRoute', `h-${i}`, top(), toService(r(2) ? 'svc-a' : 'svc-c'), routeTo(r(2) ? 'svc-c' : 'svc-b', r(2) ? 80 : 90));
  if (r(2) === 0) yaml += policy('MeshHTTPRoute', 'a-to-c', MESH_TOP, toService('svc-a'), routeTo('svc-c', 80));
  // Settings of a backend's own port that only some proxies get: they go on its cluster.
  if (r(2) === 0) yaml += policy('MeshTimeout', 'slow-c', top(), toService('svc-c'), timeout(7));
  if (r(3) === 0) yaml += policy('MeshTCPRoute', 'tcp', top(), toService('svc-b'), `    rules:\n    - default:\n        backendRefs:\n        - kind: MeshService\n          name: svc-b\n          port: 90\n          weight: 80\n        - kind: MeshService\n          name: svc-gone\n          port: 90\n          weight: 20\n`);
  const proxies = Array.from({ length: 8 }, (_, i) => {
    const tp = [r(2) ? '    redirectPortOutbound: 15001\n' : '', ['', '', '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: svc-a\n        port: 81\n', '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: svc-a\n'][r(4)]].join('');
    yaml += dataplane(`p-${i}`, `10.1.0.${i + 1}`, r(2) ? 'client-a' : 'client-b', 9000, tp ? `  transparentProxying:\n${tp}` : '', r(2) ? '  team: a\n' : '');
    return { name: `p-${i}`, client: r(3) === 0 ? PROXYLESS_CLIENT : ENVOY_CLIENT };
  });
  return { yaml, proxies };
}

describe('shared pieces under random meshes', () => {
  it('every proxy generated with a MeshContext shared by all (in two orders) gets what it gets alone, over 40 random meshes', () => {
    const r = random(11);
    for (let round = 0; round < 40; round++) {
      const { yaml, proxies } = randomMesh(r);
      const view = new StaticView(resourcesFromYaml(yaml));
      const alone = new Map(proxies.map((p) => [p.name, render(view, p.name, p.client, undefined)]));
      const meshContext = meshContextOf(view, 'default');
      for (const p of [...proxies, ...[...proxies].reverse()]) {
        assert.equal(render(view, p.name, p.client, meshContext), alone.get(p.name), `round ${round}, ${p.name}\n${yaml}`);
      }
    }
  });
});

function render(view: StaticView, name: string, client: ProxyClient, meshContext: MeshContext | undefined): string {
  const result = proxyContextOf(view, `default.${name}`, { client, ...(meshContext ? { meshContext } : {}) });
  if (!result.ok) throw new Error(result.reason);
  return renderConfig(generateProxyConfig(result.context));
}
