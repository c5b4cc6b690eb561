import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDns1035Label } from '../core/dns-names.js';
import { DNS_LABEL_LIMIT, fnv1a64, hashedName, safeEncode } from './hash-name.js';

describe('fnv1a64', () => {
  // Published FNV-1a 64 test vectors (Landon Curt Noll's FNV test suite).
  const vectors: [string, bigint][] = [
    ['', 0xcbf29ce484222325n],
    ['a', 0xaf63dc4c8601ec8cn],
    ['foobar', 0x85944171f73967e8n],
  ];
  for (const [input, expected] of vectors) {
    it(`hashes ${JSON.stringify(input)}`, () => assert.equal(fnv1a64(input), expected));
  }
});

describe('safeEncode', () => {
  it('maps every hex character as the reference table says (0 and f both become 4)', () => {
    assert.equal(safeEncode('0123456789abcdef'), '456789bcdfvwxz24');
  });
});

describe('hashedName', () => {
  const vectors: { args: [string, string, string[]]; expected: string; source: string }[] = [
    { args: ['default', 'redis-zone-1', ['zone-1']], expected: 'redis-zone-1-2v6wfvvcvbc9f55d', source: 'KDS full-sync golden' },
    { args: ['default', 'redis-zone-2', ['zone-2']], expected: 'redis-zone-2-ff29vc4685c6f594', source: 'KDS full-sync golden' },
    { args: ['default', 'redis', ['east']], expected: 'redis-cd75xf46x4b2zx4x', source: 'semantics 7.1' },
    { args: ['default', 'redis', ['east', 'kuma-demo']], expected: 'redis-x5874724v674bxb2', source: 'semantics 7.1' },
    { args: ['default', 'backend', []], expected: 'backend-524cwbwv5vzz94b6', source: 'MMZS, semantics 6.4/7.1' },
    { args: ['default', 'backend', ['zone-1']], expected: 'backend-d8466458x7574b7b', source: 'traffic 6.4' },
    { args: ['default', 'backend', ['zone-1', 'kuma-demo']], expected: 'backend-5b4f4xdx76x7zxxx', source: 'traffic 6.4 / 8.7' },
    { args: ['default', 'backend-mz', []], expected: 'backend-mz-575vdd2x7w4679c2', source: 'traffic 6.4 / 8.7' },
    { args: ['', 'synced-universal-mesh-service', []], expected: 'synced-universal-mesh-service-46484vczc724vc29', source: 'HostnameGenerator, traffic 6.4' },
  ];
  for (const v of vectors) {
    it(`${v.args.join(' / ')} -> ${v.expected} (${v.source})`, () => {
      assert.equal(hashedName(...v.args), v.expected);
      assert.equal(hashedName(...v.args, { maxLength: DNS_LABEL_LIMIT }), v.expected, 'short names are the same under the DNS limit');
    });
  }

  it('gives the same display name different names in different zones (kuma#10433)', () => {
    const names = ['east', 'west', 'north'].map((z) => hashedName('default', 'backend', [z]));
    assert.equal(new Set(names).size, 3);
  });

  it('keeps Kuma\'s 236-character cut for resource names', () => {
    const long = 'a'.repeat(240);
    const out = hashedName('default', long, ['east']);
    assert.equal(out.length, 253);
    assert.equal(out.slice(0, 237), `${'a'.repeat(236)}-`);
  });

  it('cuts a name to 46 characters under the DNS limit, so the result is a DNS label of 63', () => {
    const name = `svc-${'x'.repeat(59)}`; // 63 characters, the longest valid MeshService name
    const out = hashedName('default', name, ['east'], { maxLength: DNS_LABEL_LIMIT });
    assert.equal(out.length, 63);
    assert.equal(out.slice(0, 47), `${name.slice(0, 46)}-`);
    assert.ok(isDns1035Label(out), out);
  });

  it('leaves a 46-character name whole (63 exactly) and cuts a 47-character one', () => {
    assert.equal(hashedName('m', 'a'.repeat(46), [], { maxLength: 63 }).length, 63);
    assert.equal(hashedName('m', 'a'.repeat(47), [], { maxLength: 63 }).slice(0, 47), `${'a'.repeat(46)}-`);
  });

  it('never collides for names that cut to the same prefix: the hash covers the full name', () => {
    const prefix = `p${'q'.repeat(50)}`;
    const names = ['a', 'b', 'c', 'aa', 'ab'].map((tail) => hashedName('default', `${prefix}${tail}`, ['east'], { maxLength: 63 }));
    assert.equal(new Set(names.map((n) => n.slice(0, 46))).size, 1, 'same prefix');
    assert.equal(new Set(names).size, names.length, 'different names');
  });

  it('hashes mesh, zone and namespace too', () => {
    const base = hashedName('default', 'redis', ['east']);
    assert.notEqual(hashedName('other', 'redis', ['east']), base);
    assert.notEqual(hashedName('default', 'redis', ['east', 'ns']), base);
    assert.notEqual(hashedName('default', 'redis', ['west']), base);
  });

  it('refuses a limit that leaves no room for a name', () => {
    assert.throws(() => hashedName('m', 'n', [], { maxLength: 17 }), /maxLength must be more than 17; got 17/);
  });
});
