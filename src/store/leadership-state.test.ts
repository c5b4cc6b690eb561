import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeadershipState } from './leadership-state.js';

describe('LeadershipState', () => {
  it('tells every listener, even after one throws, and stops telling an unsubscribed one', () => {
    const state = new LeadershipState();
    const heard: string[] = [];
    state.onChange(() => {
      throw new Error('boom');
    });
    const off = state.onChange((leading) => heard.push(`a:${leading}`));
    state.onChange((leading) => heard.push(`b:${leading}`));
    state.set(true);
    assert.equal(state.leading, true);
    off();
    state.set(false);
    assert.equal(state.leading, false);
    assert.deepEqual(heard, ['a:true', 'b:true', 'b:false']);
  });
});
