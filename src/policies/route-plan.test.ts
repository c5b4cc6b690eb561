import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../core/resource.js';
import { DestinationCatalog, destinationId } from './destination-catalog.js';
import { MeshPolicies, type PolicyResources } from './policy-index.js';
import { type PlannedRoute, planHttpRoutes, planTcpRoute, type RouteSelf } from './route-plan.js';

const stamp = { creationTime: '2025-01-01T00:00:00Z', modificationTime: '2025-01-01T00:00:00Z', version: 1 };
const zone = { 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' };

function service(name: string): Resource {
  return { type: 'MeshService', mesh: 'default', name, labels: { ...zone, 'kuma.io/display-name': name }, spec: { ports: [{ name: 'http', port: 80, appProtocol: 'http' }] }, ...stamp };
}

function route(type: 'MeshHTTPRoute' | 'MeshTCPRoute', name: string, rules: unknown[]): Resource {
  return { type, mesh: 'default', name, labels: { ...zone, 'kuma.io/display-name': name }, spec: { to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules }] }, ...stamp };
}

const to = (name: string, weight?: number) => ({ kind: 'MeshService', name, port: 80, ...(weight === undefined ? {} : { weight }) });
const catalog = new DestinationCatalog([service('backend'), service('v1'), service('v2')], []);
const backend = catalog.byKey('MeshService', 'backend');
assert.ok(backend);
const self: RouteSelf = { entry: backend, port: backend.ports[0] ?? { port: 80, sectionName: 'http', appProtocol: 'http' } };

function plan(http: Resource[], tcp: Resource[] = []) {
  const resources: PolicyResources = { MeshHTTPRoute: http, MeshTCPRoute: tcp, MeshTimeout: [], MeshRetry: [], MeshCircuitBreaker: [] };
  const proxy = new MeshPolicies(resources, catalog).forProxy({ dataplane: { ...service('web'), type: 'Dataplane', spec: {} } as never, meshServices: [] });
  const id = destinationId('MeshService', 'backend');
  return { http: planHttpRoutes(proxy.forPort('MeshHTTPRoute', id, 'http'), self, catalog), tcp: planTcpRoute(proxy.forPort('MeshTCPRoute', id, 'http'), self, catalog) };
}

function describeRoutes(routes: readonly PlannedRoute[] | undefined): string[] {
  return (routes ?? []).map((r) => {
    const m = r.match;
    const path = m.path ? `${m.path.type}:${m.path.value}` : 'any';
    const extra = [m.method, ...m.headers.map((h) => `h:${h.name}`), ...m.queryParams.map((q) => `q:${q.name}`)].filter(Boolean).join(',');
    const split = r.split.map((s) => `${s.target.kind === 'backend' ? s.target.entry.resource.name : 'UNRESOLVED'}=${s.weight}`).join('+');
    return `${path}${extra ? `[${extra}]` : ''} -> ${split}${r.route ? '' : ' (default)'}`;
  });
}

describe('HTTP route plans', () => {
  it("orders like Kuma: exact, longer prefix, prefix, regex, then path-less by headers and query counts; the catch-all last", () => {
    const routes = plan([
      route('MeshHTTPRoute', 'r', [
        { matches: [{ queryParams: [{ type: 'Exact', name: 'q', value: '1' }] }], default: { backendRefs: [to('v1')] } },
        { matches: [{ path: { type: 'RegularExpression', value: '^/x.*' } }], default: { backendRefs: [to('v1')] } },
        { matches: [{ path: { type: 'PathPrefix', value: '/a' } }], default: { backendRefs: [to('v1')] } },
        { matches: [{ headers: [{ type: 'Exact', name: 'x', value: '1' }] }], default: { backendRefs: [to('v2')] } },
        { matches: [{ path: { type: 'PathPrefix', value: '/a/b' } }, { path: { type: 'Exact', value: '/z' } }], default: { backendRefs: [to('v2')] } },
        { matches: [{ method: 'GET', path: { type: 'PathPrefix', value: '/a' } }], default: {} },
      ]),
    ]).http;
    assert.deepEqual(describeRoutes(routes), [
      'Exact:/z -> v2=1',
      'PathPrefix:/a/b -> v2=1',
      'PathPrefix:/a[GET] -> backend=100',
      'PathPrefix:/a -> v1=1',
      'RegularExpression:^/x.* -> v1=1',
      'any[h:x] -> v2=1',
      'any[q:q] -> v1=1',
      'PathPrefix:/ -> backend=100 (default)',
    ]);
  });

  it('changed on purpose: a rule on every path (PathPrefix / or no path) comes after header-only and regex rules, which it would otherwise shadow', () => {
    const routes = plan([
      route('MeshHTTPRoute', 'r', [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], default: { backendRefs: [to('v1', 90), to('v2', 10)] } },
        { matches: [{ headers: [{ type: 'Exact', name: 'x-team', value: 'b' }] }], default: { backendRefs: [to('v2')] } },
        { matches: [{ path: { type: 'RegularExpression', value: '^/admin/.*' } }], default: { backendRefs: [to('v1')] } },
      ]),
    ]).http;
    assert.deepEqual(describeRoutes(routes), ['RegularExpression:^/admin/.* -> v1=1', 'any[h:x-team] -> v2=1', 'PathPrefix:/ -> v1=90+v2=10']);
  });

  it('rules with the same matches merge across routes: the later route (in merge order) replaces what it sets', () => {
    const catchAll = [{ path: { type: 'PathPrefix', value: '/' } }];
    const routes = plan([
      route('MeshHTTPRoute', 'b-first', [{ matches: catchAll, default: { backendRefs: [to('v1', 90), to('v2', 10)] } }]),
      route('MeshHTTPRoute', 'a-second', [{ matches: catchAll, default: { backendRefs: [to('v2')] } }]),
    ]).http;
    assert.deepEqual(describeRoutes(routes), ['PathPrefix:/ -> v2=1'], 'a rule with exactly `PathPrefix /` replaces the catch-all');
    assert.equal(routes?.[0]?.route?.name, 'a-second');
  });

  it('weight 0 sends nothing; missing backends stay in the split as unresolved with their weight', () => {
    const routes = plan([route('MeshHTTPRoute', 'r', [{ matches: [{ path: { type: 'Exact', value: '/x' } }], default: { backendRefs: [to('v1', 0), to('v2', 3), to('gone', 1)] } }])]).http;
    assert.deepEqual(describeRoutes(routes)[0], 'Exact:/x -> v2=3+UNRESOLVED=1');
    const gone = routes?.[0]?.split[1]?.target;
    assert.equal(gone?.kind === 'unresolved' ? gone.reason : '', "MeshService 'gone' does not exist in mesh 'default'");
  });

  it('no MeshHTTPRoute: no plan (the default catch-all is the renderer\'s)', () => {
    assert.equal(plan([]).http, undefined);
  });
});

describe('TCP route plans', () => {
  it('the last route in merge order that sets backendRefs wins', () => {
    const tcp = plan([], [route('MeshTCPRoute', 'z', [{ default: { backendRefs: [to('v1', 80), to('v2', 20)] } }]), route('MeshTCPRoute', 'a', [{ default: {} }])]).tcp;
    assert.deepEqual(tcp?.split.map((s) => (s.target.kind === 'backend' ? `${s.target.entry.resource.name}=${s.weight}` : '?')), ['v1=80', 'v2=20']);
    assert.equal(tcp?.route.name, 'z');
  });
});
