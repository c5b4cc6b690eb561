import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, backoffProblems } from './backoff.js';

describe('backoffDelay', () => {
  const noJitter = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 };

  it('doubles from the initial delay up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, noJitter)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('spreads by the jitter fraction either way and never passes the cap', () => {
    const cfg = { ...noJitter, jitter: 0.5 };
    assert.equal(backoffDelay(1, cfg, () => 0), 100);
    assert.equal(backoffDelay(1, cfg, () => 0.5), 200);
    assert.equal(backoffDelay(1, cfg, () => 0.999999), 300);
    assert.equal(backoffDelay(9, cfg, () => 0.999999), 1000);
  });

  it('uses the defaults: 500 ms doubling to 30 s', () => {
    assert.equal(backoffDelay(0, { jitter: 0 }), 500);
    assert.equal(backoffDelay(20, { jitter: 0 }), 30_000);
  });
});

describe('backoffProblems', () => {
  it('accepts the defaults and refuses settings that loop or never retry', () => {
    assert.deepEqual(backoffProblems({}), []);
    assert.deepEqual(backoffProblems({ initialMs: 0, maxMs: -1, multiplier: 0.5, jitter: 2 }), [
      'backoff.initialMs must be more than 0; got 0',
      'backoff.maxMs must be at least initialMs (0); got -1',
      'backoff.multiplier must be at least 1; got 0.5',
      'backoff.jitter must be between 0 and 1; got 2',
    ]);
  });
});
