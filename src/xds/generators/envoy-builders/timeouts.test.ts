import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationOf } from './timeouts.js';

describe('durationOf (google.protobuf.Duration from milliseconds)', () => {
  it('splits into seconds and nanos', () => {
    assert.deepEqual(durationOf(0), { seconds: 0 });
    assert.deepEqual(durationOf(250), { nanos: 250_000_000 });
    assert.deepEqual(durationOf(90_000), { seconds: 90 });
    assert.deepEqual(durationOf(1_500), { seconds: 1, nanos: 500_000_000 });
    assert.deepEqual(durationOf(0.000_001), { nanos: 1 });
  });

  it('carries a fraction that rounds up to a whole second into the seconds (nanos stay below 1e9)', () => {
    // "1.9999999999s": 1,999.9999999 ms rounds to 2 s exactly, not {seconds: 1, nanos: 1e9}.
    assert.deepEqual(durationOf(1_999.999_999_9), { seconds: 2 });
    assert.deepEqual(durationOf(999.999_999_9), { seconds: 1 });
  });
});
