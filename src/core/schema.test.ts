import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, s } from './schema.js';
import { PathBuilder } from './violations.js';

const schema = s.object(
  {
    mode: s.string({ enum: ['Disabled', 'Everywhere'], numericEnum: true, default: 'Disabled' }),
    port: s.port(),
    target: s.intOrString(),
    timeout: s.duration(),
    tags: s.map(),
    items: s.array(s.object({ n: s.int({ min: 0 }) }, { required: ['n'] })),
  },
  { required: ['port'] },
);

describe('schema decode', () => {
  it('fills defaults, keeps known fields and warns about unknown ones', () => {
    const r = decode(schema, { port: 80, extra: 1 }, PathBuilder.of('spec'));
    assert.deepEqual(r.value, { port: 80, mode: 'Disabled' });
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.warnings, ['spec.extra: unknown field, ignored']);
  });

  it('maps enum numbers to names (Kuma accepts the proto ordinal)', () => {
    assert.equal((decode(schema, { port: 1, mode: 1 }).value as { mode: string }).mode, 'Everywhere');
    assert.deepEqual(decode(schema, { port: 1, mode: 7 }).violations, [{ field: 'mode', message: 'must be one of: Disabled, Everywhere; got 7' }]);
  });

  it('reports every violation with its path', () => {
    const r = decode(schema, { target: 1.5, timeout: '10 seconds', tags: { a: 1 }, items: [{}, { n: -1 }] }, PathBuilder.of('spec'));
    assert.deepEqual(r.violations, [
      { field: 'spec.target', message: 'must be a whole number or a string; got number' },
      { field: 'spec.timeout', message: 'must be a duration such as "10s", "1m30s" or "250ms"; got "10 seconds"' },
      { field: 'spec.tags["a"]', message: 'must be a string; got number' },
      { field: 'spec.items[0].n', message: 'must be defined' },
      { field: 'spec.items[1].n', message: 'must be at least 0; got -1' },
      { field: 'spec.port', message: 'must be defined' },
    ]);
  });

  it('accepts Go durations, including a bare 0', () => {
    for (const d of ['0', '0s', '10s', '1m30s', '1.5h', '250ms']) assert.deepEqual(decode(s.duration(), d).violations, [], d);
    for (const d of ['10', '-1s', 's', '1d']) assert.equal(decode(s.duration(), d).violations.length, 1, d);
  });

  it('refuses a non-object where an object is expected', () => {
    assert.deepEqual(decode(schema, 'x').violations, [{ field: '', message: 'must be an object; got string' }]);
    assert.deepEqual(decode(schema, []).violations, [{ field: '', message: 'must be an object; got list' }]);
  });

  it('takes durations up to the longest Go can hold, and refuses a longer one by name', () => {
    assert.deepEqual(decode(schema, { port: 1, timeout: '2562047h47m16s' }).violations, []);
    assert.deepEqual(decode(schema, { port: 1, timeout: '3000000000000h' }, PathBuilder.of('spec')).violations, [
      { field: 'spec.timeout', message: 'must be at most 2562047h47m16.854775807s (the longest duration Go can hold); got "3000000000000h"' },
    ]);
  });
});
