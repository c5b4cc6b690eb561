import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../core/clock.js';
import type { Resource } from '../core/resource.js';
import type { MeshServiceStatus } from '../resources/mesh-service/types.js';
import { MemoryStore } from '../store/memory-store.js';
import type { UpdateRequest } from '../store/store.js';
import { ControllerRunner } from './controller-runner.js';
import { HostnameController } from './hostname-controller.js';
import { ResourceCache } from './resource-cache.js';

/** Someone else writes VIPs into a MeshService just before our first update of it. */
class RacingStore extends MemoryStore {
  raced = false;
  override async update(input: UpdateRequest): Promise<Resource> {
    if (input.type === 'MeshService' && !this.raced) {
      this.raced = true;
      const current = await this.get(input);
      if (current) await super.update({ ...current, status: { ...(current.status as object), vips: [{ ip: '241.0.0.5' }] }, version: current.version });
    }
    return super.update(input);
  }
}

async function hostnames(store: MemoryStore, clock: ManualClock) {
  const logger = pino({ level: 'silent' });
  const cache = new ResourceCache({ store, types: ['HostnameGenerator', 'MeshService', 'MeshMultiZoneService'] });
  await cache.start();
  const runner = new ControllerRunner({ cache, clock, logger, controllers: [new HostnameController({ cache, store, logger, zone: 'zone-1' })], useTimers: false });
  runner.start();
  await runner.settle();
  return {
    settle: () => runner.settle(),
    status: async (name: string, type = 'MeshService') => (await store.get({ type, mesh: 'default', name }))?.status as MeshServiceStatus | undefined,
    stop: async () => {
      await runner.stop();
      cache.stop();
    },
  };
}

const service = (name: string, labels: Record<string, string> = {}, type = 'MeshService') => ({ type, mesh: 'default', name, labels, spec: { state: 'Unavailable' } });
const generator = (name: string, template: string, selector: object) => ({ type: 'HostnameGenerator', mesh: '', name, labels: {}, spec: { selector, template } });

describe('HostnameController', () => {
  it('the loser of a collision is told the winner; when the winner goes, the loser gets the hostname', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create(generator('static', 'static.mesh', { meshService: {} }));
    await store.create(service('backend'));
    clock.advance(60_000);
    await store.create(service('other'));
    const h = await hostnames(store, clock);
    assert.deepEqual((await h.status('backend'))?.addresses?.map((a) => a.hostname), ['static.mesh']);
    assert.deepEqual(await h.status('other'), {
      hostnameGenerators: [
        {
          hostnameGeneratorRef: { coreName: 'static' },
          conditions: [{ type: 'Generated', status: 'False', reason: 'Collision', message: 'Hostname collision with MeshService backend: static.mesh is already taken' }],
        },
      ],
    });
    await store.delete({ type: 'MeshService', mesh: 'default', name: 'backend' });
    await h.settle();
    assert.deepEqual((await h.status('other'))?.addresses?.map((a) => a.hostname), ['static.mesh']);
    await h.stop();
  });

  it('does not flap: recomputing after every write leaves versions alone', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create(generator('static', 'static.mesh', { meshService: {} }));
    for (const n of ['a', 'b', 'c']) await store.create(service(n));
    const h = await hostnames(store, clock);
    const versions = async () => (await store.list({ type: 'MeshService' })).items.map((r) => r.version);
    const first = await versions();
    for (let i = 0; i < 10; i++) {
      // A label change elsewhere wakes the controller; the answer must not move.
      const c = await store.get({ type: 'MeshService', mesh: 'default', name: 'c' });
      assert.ok(c);
      await store.update({ ...c, labels: { round: String(i) }, version: c.version });
      await h.settle();
    }
    const last = await versions();
    assert.deepEqual(last.slice(0, 2), first.slice(0, 2), 'a and b never rewritten');
    assert.deepEqual((await h.status('a'))?.addresses?.map((x) => x.hostname), ['static.mesh']);
    await h.stop();
  });

  it('writes only its own fields, re-reading the latest version on a conflict', async () => {
    const clock = new ManualClock();
    const store = new RacingStore({ clock });
    await store.create(generator('local', '{{ .DisplayName }}.svc.mesh.local', { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } }));
    await store.create(service('backend', { 'kuma.io/origin': 'zone', 'kuma.io/display-name': 'backend' }));
    const h = await hostnames(store, clock);
    const status = await h.status('backend');
    assert.ok(store.raced);
    assert.deepEqual(status?.vips, [{ ip: '241.0.0.5' }]);
    assert.deepEqual(status?.addresses?.map((a) => a.hostname), ['backend.svc.mesh.local']);
    await h.stop();
  });

  it('gives MeshMultiZoneServices hostnames too, and a template error becomes a TemplateError condition', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await store.create(generator('mzs', '{{ .DisplayName }}.mzsvc.mesh.local', { meshMultiZoneService: {} }));
    await store.create(generator('team', '{{ label "team" }}.mesh', { meshService: {} }));
    await store.create(service('global-backend', {}, 'MeshMultiZoneService'));
    await store.create(service('backend'));
    const h = await hostnames(store, clock);
    assert.deepEqual((await h.status('global-backend', 'MeshMultiZoneService'))?.addresses?.map((a) => a.hostname), ['global-backend.mzsvc.mesh.local']);
    const cond = (await h.status('backend'))?.hostnameGenerators?.[0]?.conditions[0];
    assert.equal(cond?.reason, 'TemplateError');
    assert.match(cond?.message ?? '', /label team not found/);
    await h.stop();
  });
});
