import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVOY_CLIENT, proxyContextOf, type ProxyContext } from '../proxy-context.js';
import { destinationIndexOf, destinationsFor, type Destination } from './destinations.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';

function meshYaml(mode: string): string {
  return `type: Mesh\nname: default\nmeshServices:\n  mode: ${mode}\n`;
}

function ms(name: string, opts: { labels?: string; ports?: string; vip?: string } = {}): string {
  return `---
type: MeshService
mesh: default
name: ${name}
${opts.labels ? `labels:\n${opts.labels}\n` : ''}spec:
  selector:
    dataplaneTags:
      kuma.io/service: ${name}
  ports:
${opts.ports ?? '  - name: http\n    port: 80\n    targetPort: 8080\n    appProtocol: http'}
status:
  vips:
  - ip: ${opts.vip ?? '241.0.0.1'}
`;
}

function client(name: string, transparentProxying = ''): string {
  return `---
type: Dataplane
mesh: default
name: ${name}
networking:
  address: 10.0.0.10
  inbound:
  - port: 9090
    tags:
      kuma.io/service: web
${transparentProxying ? `  transparentProxying:\n${transparentProxying}\n` : ''}`;
}

const LEGACY = `---
type: LegacyVip
mesh: default
name: backend
spec:
  service: backend
  vip: 240.0.0.1
---
type: LegacyVip
mesh: default
name: web
spec:
  service: web
  vip: 240.0.0.2
`;

function contextOf(yaml: string, dataplane = 'web-1'): ProxyContext {
  const view = new StaticView(resourcesFromYaml(yaml));
  const result = proxyContextOf(view, `default.${dataplane}`, { client: ENVOY_CLIENT });
  if (!result.ok) throw new Error(result.reason);
  return result.context;
}

/** `legacy:<service>` or `msvc:<name>/<section>,...` for each destination. */
function summary(destinations: readonly Destination[]): string[] {
  return destinations.map((d) => (d.kind === 'legacy' ? d.key : `${d.key}/${d.ports.map((p) => p.sectionName).join(',')}`));
}

describe('destinations per migration mode', () => {
  it('Disabled: legacy destinations plus a MeshService that exists anyway (hand-made)', () => {
    const ctx = contextOf(meshYaml('Disabled') + ms('backend') + client('web-1') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web', 'msvc:backend/http']);
  });

  it('a Mesh without a meshServices block is Disabled', () => {
    const ctx = contextOf('type: Mesh\nname: default\n' + ms('backend') + client('web-1') + LEGACY);
    assert.equal(ctx.meshContext.mode, 'Disabled');
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web', 'msvc:backend/http']);
  });

  it('Everywhere: both worlds', () => {
    const ctx = contextOf(meshYaml('Everywhere') + ms('backend') + client('web-1') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web', 'msvc:backend/http']);
  });

  it('Exclusive: MeshServices only, no kuma.io/service destinations', () => {
    const ctx = contextOf(meshYaml('Exclusive') + ms('backend') + client('web-1') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['msvc:backend/http']);
  });

  it('ReachableBackends: a proxy without reachableBackends gets no MeshService', () => {
    const ctx = contextOf(meshYaml('ReachableBackends') + ms('backend') + client('web-1') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web']);
  });

  it('ReachableBackends: refs by name give exactly that service', () => {
    const tp = '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: backend';
    const ctx = contextOf(meshYaml('ReachableBackends') + ms('backend') + ms('other', { vip: '241.0.0.2' }) + client('web-1', tp) + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web', 'msvc:backend/http']);
  });

  it('ReachableBackends: `refs: []` and a reachableBackends without refs both mean none', () => {
    for (const tp of ['    reachableBackends:\n      refs: []', '    reachableBackends: {}']) {
      const ctx = contextOf(meshYaml('ReachableBackends') + ms('backend') + client('web-1', tp) + LEGACY);
      assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web'], tp);
    }
  });

  it('Everywhere with reachableBackends set: only those MeshServices', () => {
    const tp = '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: other';
    const ctx = contextOf(meshYaml('Everywhere') + ms('backend') + ms('other', { vip: '241.0.0.2' }) + client('web-1', tp) + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend', 'legacy:web', 'msvc:other/http']);
  });

  it('Exclusive with reachableBackends `refs: []`: nothing at all', () => {
    const ctx = contextOf(meshYaml('Exclusive') + ms('backend') + client('web-1', '    reachableBackends:\n      refs: []') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), []);
  });
});

describe('reachableBackends refs', () => {
  const twoPorts = '  - name: http\n    port: 80\n    targetPort: 8080\n    appProtocol: http\n  - port: 81\n    targetPort: 8081\n    appProtocol: grpc';
  const withRef = (ref: string): ProxyContext =>
    contextOf(meshYaml('Exclusive') + ms('backend', { ports: twoPorts }) + client('web-1', `    reachableBackends:\n      refs:\n${ref}`));

  it('a ref without port makes every port reachable', () => {
    assert.deepEqual(summary(destinationsFor(withRef('      - kind: MeshService\n        name: backend')).destinations), ['msvc:backend/http,81']);
  });

  it('a port is looked up by number, also for a named port', () => {
    assert.deepEqual(summary(destinationsFor(withRef('      - kind: MeshService\n        name: backend\n        port: 80')).destinations), ['msvc:backend/http']);
    assert.deepEqual(summary(destinationsFor(withRef('      - kind: MeshService\n        name: backend\n        port: 81')).destinations), ['msvc:backend/81']);
  });

  it('a port the service does not have gives nothing, with a note', () => {
    const result = destinationsFor(withRef('      - kind: MeshService\n        name: backend\n        port: 82'));
    assert.deepEqual(summary(result.destinations), []);
    assert.deepEqual(result.notes, [{ subject: 'networking.transparentProxying.reachableBackends.refs[0]', reason: "MeshService 'backend' has no port 82" }]);
  });

  it('a labels ref that matches several services makes all of them reachable (Kuma returns after the first; not copied)', () => {
    const team = '  team: a';
    const yaml =
      meshYaml('Exclusive') +
      ms('alpha', { labels: team }) +
      ms('beta', { labels: team, vip: '241.0.0.2' }) +
      ms('gamma', { labels: '  team: b', vip: '241.0.0.3' }) +
      client('web-1', '    reachableBackends:\n      refs:\n      - kind: MeshService\n        labels:\n          team: a\n        port: 80');
    assert.deepEqual(summary(destinationsFor(contextOf(yaml)).destinations), ['msvc:alpha/http', 'msvc:beta/http']);
  });

  it('a name ref reaches only the local-zone service; a synced copy from zone-2 needs labels', () => {
    const synced = ms('backend-zone2-5f8c', {
      labels: '  kuma.io/origin: global\n  kuma.io/zone: zone-2\n  kuma.io/display-name: backend',
      vip: '241.0.0.9',
    });
    const byName = contextOf(meshYaml('Exclusive') + synced + client('web-1', '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: backend'));
    assert.deepEqual(summary(destinationsFor(byName).destinations), []);
    const byLabels = contextOf(
      meshYaml('Exclusive') +
        synced +
        client('web-1', '    reachableBackends:\n      refs:\n      - kind: MeshService\n        labels:\n          kuma.io/display-name: backend\n          kuma.io/zone: zone-2'),
    );
    assert.deepEqual(summary(destinationsFor(byLabels).destinations), ['msvc:backend-zone2-5f8c/http']);
  });

  it('a kind Meshplane does not serve (MeshExternalService) is ignored with a note', () => {
    const result = destinationsFor(withRef('      - kind: MeshExternalService\n        name: httpbin'));
    assert.deepEqual(summary(result.destinations), []);
    assert.equal(result.notes[0]?.reason, "kind 'MeshExternalService' is not a destination Meshplane serves; ignored");
  });
});

describe('other per-proxy rules', () => {
  it('reachableServices limits legacy destinations and, without reachableBackends, hides every MeshService', () => {
    const ctx = contextOf(meshYaml('Everywhere') + ms('backend') + client('web-1', '    reachableServices:\n    - backend') + LEGACY);
    assert.deepEqual(summary(destinationsFor(ctx).destinations), ['legacy:backend']);
  });

  it("an outbound whose VIP:port is one of the proxy's own inbound addresses is dropped", () => {
    const yaml = meshYaml('Exclusive') + ms('backend', { vip: '10.0.0.10', ports: '  - port: 9090\n    targetPort: 9090\n    appProtocol: tcp' }) + client('web-1');
    const result = destinationsFor(contextOf(yaml));
    assert.deepEqual(summary(result.destinations), []);
    assert.match(result.notes[0]?.reason ?? '', /10\.0\.0\.10:9090 is one of the proxy's own inbound addresses/);
  });
});

describe('reachableBackends lookups (docs/performance.md, xDS hotspot 6)', () => {
  const SERVICES = 500;
  const yaml = (): string => {
    let out = meshYaml('Exclusive');
    for (let i = 0; i < SERVICES; i++) out += ms(`svc-${i}`, { vip: `241.0.${i >> 8}.${i & 255}`, ...(i % 100 === 7 ? { labels: '  team: a' } : {}) });
    const refs = '    reachableBackends:\n      refs:\n      - kind: MeshService\n        name: svc-42\n      - kind: MeshService\n        labels:\n          team: a\n      - kind: MeshService\n        name: svc-300\n        port: 80';
    const other = (name: string, address: string, tp: string): string => client(name, tp).replace('10.0.0.10', address);
    return out + client('web-1', refs) + other('web-2', '10.0.0.11', '    reachableBackends:\n      refs: []') + other('web-3', '10.0.0.12', refs);
  };

  it('a proxy with 3 refs in a mesh of 500 services looks at the services its refs name, not at all 500', () => {
    const view = new StaticView(resourcesFromYaml(yaml()));
    let reads = 0;
    const first = proxyContextOf(view, 'default.web-2', { client: ENVOY_CLIENT });
    if (!first.ok) throw new Error(first.reason);
    const counted = new Proxy(first.context.meshContext.meshServices, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const meshContext = { ...first.context.meshContext, meshServices: counted, memo: new Map<string, unknown>() };
    const proxy = (name: string): ProxyContext => {
      const result = proxyContextOf(view, `default.${name}`, { client: ENVOY_CLIENT, meshContext });
      if (!result.ok) throw new Error(result.reason);
      return result.context;
    };
    assert.deepEqual(summary(destinationsFor(proxy('web-2')).destinations), []);
    assert.equal(reads, 0, 'refs: [] looks at nothing');
    const expected = ['msvc:svc-107/http', 'msvc:svc-207/http', 'msvc:svc-300/http', 'msvc:svc-307/http', 'msvc:svc-407/http', 'msvc:svc-42/http', 'msvc:svc-7/http'];
    assert.deepEqual(summary(destinationsFor(proxy('web-1')).destinations), expected);
    assert.equal(reads, 2 * SERVICES + 7, "the mesh's name index and its `team` label index, once per MeshContext; then the 7 destinations");
    const index = destinationIndexOf(meshContext);
    const before = index.examined;
    const again = destinationsFor(proxy('web-3'));
    assert.deepEqual(summary(again.destinations), expected);
    assert.deepEqual(again.notes, []);
    assert.equal(reads, 2 * SERVICES + 7, 'the next proxy reads no MeshService of the mesh');
    assert.equal(index.examined - before, 1 + 5 + 1, 'one by name, the five labelled team: a, one by name');
  });
});
