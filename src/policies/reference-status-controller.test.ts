import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ResourceCache } from '../controllers/resource-cache.js';
import type { Resource } from '../core/resource.js';
import type { StoreEvent } from '../store/store.js';
import { MemoryStore } from '../store/memory-store.js';
import { resourcesFromYaml } from '../xds/generators/input-fixtures.js';
import { type ConditionsStatus, REFERENCES_RESOLVED } from './reference-condition.js';
import { REFERENCE_STATUS_KINDS, ReferenceStatusController } from './reference-status-controller.js';

const ROUTE = `
type: Mesh
name: default
---
type: MeshHTTPRoute
mesh: default
name: to-v2
spec:
  to:
  - targetRef:
      kind: MeshService
      name: backend
    rules:
    - default:
        backendRefs:
        - kind: MeshService
          name: backend-v2
          port: 8080
`;

const service = (name: string): string => `---
type: MeshService
mesh: default
name: ${name}
spec:
  selector:
    dataplaneTags:
      kuma.io/service: ${name}
  ports:
  - port: 8080
    targetPort: 8080
    appProtocol: grpc
`;

const caches: ResourceCache[] = [];
afterEach(() => {
  for (const c of caches.splice(0)) c.stop();
});

async function setUp(yaml: string) {
  const store = new MemoryStore();
  for (const r of resourcesFromYaml(yaml)) await store.create(r);
  const cache = new ResourceCache({ store, types: REFERENCE_STATUS_KINDS });
  await cache.start();
  caches.push(cache);
  const events: StoreEvent[] = [];
  cache.onChange((e) => events.push(e));
  const controller = new ReferenceStatusController({ cache, store, logger: pino({ level: 'silent' }) });
  const condition = async () => ((await store.get({ type: 'MeshHTTPRoute', mesh: 'default', name: 'to-v2' }))?.status as ConditionsStatus | undefined)?.conditions;
  return { store, controller, condition, events };
}

describe('ReferenceStatusController', () => {
  it('marks a route whose backend is missing, and clears the mark when the MeshService appears', async () => {
    const h = await setUp(ROUTE + service('backend'));
    await h.controller.reconcile();
    assert.deepEqual(await h.condition(), [
      {
        type: REFERENCES_RESOLVED,
        status: 'False',
        reason: 'UnresolvedReferences',
        message: "spec.to[0].rules[0].default.backendRefs[0]: MeshService 'backend-v2' does not exist in mesh 'default'",
      },
    ]);
    for (const r of resourcesFromYaml(service('backend-v2'))) await h.store.create(r);
    await h.controller.reconcile();
    assert.deepEqual(await h.condition(), [{ type: REFERENCES_RESOLVED, status: 'True', reason: 'Resolved', message: 'every reference resolves' }]);
  });

  it('its own status write does not wake it, a spec change and a new MeshService do; an unchanged condition is not written again', async () => {
    const h = await setUp(ROUTE + service('backend'));
    await h.controller.reconcile();
    const written = h.events.find((e) => e.resource.type === 'MeshHTTPRoute');
    assert.ok(written);
    assert.equal(h.controller.wakesOn(written), false);
    const route = (await h.store.get({ type: 'MeshHTTPRoute', mesh: 'default', name: 'to-v2' })) as Resource;
    assert.equal(h.controller.wakesOn({ op: 'update', previous: route, resource: { ...route, spec: { to: [] } } }), true);
    const [ms] = resourcesFromYaml(service('backend-v3'));
    assert.ok(ms);
    assert.equal(h.controller.wakesOn({ op: 'create', resource: { ...ms, creationTime: '', modificationTime: '', version: 1 } }), true);
    const versionBefore = route.version;
    await h.controller.reconcile();
    assert.equal((await h.store.get(route))?.version, versionBefore, 'nothing changed, nothing written');
  });
});
