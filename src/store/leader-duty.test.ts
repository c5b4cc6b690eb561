/**
 * whileLeader: work runs only while leading, starts and stops never overlap, and a flap during a
 * slow stop ends in the latest state. The elector here is a switch the test flips by hand, as
 * the PostgreSQL one flips on its lock (postgres-leader.test.ts covers that part).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whileLeader } from './leader-duty.js';
import { SingleInstanceLeader } from './leader-single.js';
import type { LeaderElector } from './store.js';

class Switch implements LeaderElector {
  private leading = false;
  private readonly listeners = new Set<(leading: boolean) => void>();
  isLeader(): boolean {
    return this.leading;
  }
  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  set(leading: boolean): void {
    this.leading = leading;
    for (const l of [...this.listeners]) l(leading);
  }
}

function recorder() {
  const log: string[] = [];
  let stops: Array<() => void> = [];
  let slowStops = false;
  let count = 0;
  return {
    log,
    slow(on: boolean) {
      slowStops = on;
    },
    releaseStops() {
      for (const done of stops) done();
      stops = [];
    },
    start: async () => {
      const n = (count += 1);
      log.push(`start ${n}`);
      return {
        stop: () => {
          log.push(`stopping ${n}`);
          if (!slowStops) return Promise.resolve(void log.push(`stopped ${n}`));
          return new Promise<void>((resolve) => stops.push(() => resolve(void log.push(`stopped ${n}`))));
        },
      };
    },
  };
}

describe('whileLeader', () => {
  it('starts on gaining leadership and stops on losing it, each time', async () => {
    const elector = new Switch();
    const r = recorder();
    const duty = whileLeader(elector, r.start, (err) => assert.fail(String(err)));
    await duty.settled();
    assert.deepEqual(r.log, [], 'nothing runs before leading');
    elector.set(true);
    await duty.settled();
    elector.set(false);
    await duty.settled();
    elector.set(true);
    await duty.settled();
    assert.deepEqual(r.log, ['start 1', 'stopping 1', 'stopped 1', 'start 2']);
    await duty.close();
    assert.deepEqual(r.log.slice(4), ['stopping 2', 'stopped 2'], 'close stops the running work');
    elector.set(false);
    elector.set(true);
    await duty.settled();
    assert.equal(r.log.length, 6, 'closed: leadership changes no longer start anything');
  });

  it('restarts after a loss even if leading again, never before the stop finished, once per burst', async () => {
    const elector = new Switch();
    const r = recorder();
    const duty = whileLeader(elector, r.start, (err) => assert.fail(String(err)));
    elector.set(true);
    await duty.settled();
    r.slow(true);
    elector.set(false);
    elector.set(true);
    elector.set(false);
    elector.set(true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(r.log, ['start 1', 'stopping 1'], 'the second start waits for the stop');
    r.releaseStops();
    await duty.settled();
    assert.deepEqual(r.log, ['start 1', 'stopping 1', 'stopped 1', 'start 2'], 'one start for the latest state, not one per flap');
    r.slow(false);
    await duty.close();
  });

  it('starts at once when the elector already leads, and reports a failed start without running anything', async () => {
    const single = new SingleInstanceLeader();
    await single.start();
    const r = recorder();
    const duty = whileLeader(single, r.start, () => {});
    await duty.settled();
    assert.deepEqual(r.log, ['start 1']);
    await duty.close();

    const elector = new Switch();
    const errors: string[] = [];
    const failing = whileLeader(
      elector,
      () => Promise.reject(new Error('global address is wrong')),
      (err, during) => errors.push(`${during}: ${(err as Error).message}`),
    );
    elector.set(true);
    await failing.settled();
    assert.deepEqual(errors, ['start: global address is wrong']);
    await failing.close();
    assert.deepEqual(errors, ['start: global address is wrong'], 'nothing to stop');
  });
});
