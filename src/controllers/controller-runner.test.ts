import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../core/clock.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Controller } from './controller.js';
import { ControllerRunner } from './controller-runner.js';
import { ResourceCache } from './resource-cache.js';

const silent = pino({ level: 'silent' });
const dp = (name: string) => ({ type: 'Dataplane', mesh: 'default', name, labels: {}, spec: {} });

describe('ResourceCache and ControllerRunner', () => {
  it('the cache sees what was stored before start and every change after', async () => {
    const store = new MemoryStore();
    await store.create(dp('a'));
    const cache = new ResourceCache({ store, types: ['Dataplane'] });
    await cache.start();
    await store.create(dp('b'));
    await store.delete({ type: 'Dataplane', mesh: 'default', name: 'a' });
    assert.deepEqual(cache.list('Dataplane').map((r) => r.name), ['b']);
    cache.stop();
  });

  it('coalesces a burst of changes into few passes and runs deadlines when the clock passes them', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const cache = new ResourceCache({ store, types: ['Dataplane'] });
    await cache.start();
    const seen: number[] = [];
    let passes = 0;
    const controller: Controller = {
      name: 'counter',
      wakesOn: (e) => e.resource.type === 'Dataplane',
      reconcile: async (now) => {
        passes++;
        seen.push(cache.list('Dataplane').length);
        return { nextRunAt: new Date(now.getTime() + 60_000) };
      },
    };
    const runner = new ControllerRunner({ cache, clock, logger: silent, controllers: [controller], useTimers: false });
    runner.start();
    await runner.settle();
    const afterStart = passes;
    for (let i = 0; i < 50; i++) await store.create(dp(`dp-${i}`));
    await runner.settle();
    assert.ok(passes - afterStart < 50, `expected coalescing, got ${passes - afterStart} passes for 50 changes`);
    assert.equal(seen.at(-1), 50, 'the last pass sees every change');

    const beforeDeadline = passes;
    clock.advance(59_000);
    await runner.settle();
    assert.equal(passes, beforeDeadline, 'no pass before the deadline');
    clock.advance(1_000);
    await runner.settle();
    assert.equal(passes, beforeDeadline + 1, 'one pass once the deadline is reached');
    await runner.stop();
    cache.stop();
  });
});
