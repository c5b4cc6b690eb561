import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge } from './age.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatAge', () => {
  const cases: [string, number, string][] = [
    ['now', 0, '0s'],
    ['under a second', 999, '0s'],
    ['seconds', 5 * S, '5s'],
    ['last second before a minute', 59 * S + 999, '59s'],
    ['exactly a minute', M, '1m'],
    ['minutes, rounded down', 3 * M + 59 * S, '3m'],
    ['exactly an hour', H, '1h'],
    ['hours', 2 * H + 30 * M, '2h'],
    ['last minute before a day', D - M, '23h'],
    ['days', 4 * D + 23 * H, '4d'],
    ['last day before a year', 364 * D, '364d'],
    ['years', 2 * 365 * D + D, '2y'],
  ];
  for (const [title, ms, expected] of cases) {
    it(`${title}: ${expected}`, () => assert.equal(formatAge(ago(ms), NOW), expected));
  }

  it('shows a moment in the future (clock skew) as 0s', () => {
    assert.equal(formatAge(new Date(NOW.getTime() + 5 * S), NOW), '0s');
  });

  it('shows an unreadable time as unknown', () => {
    assert.equal(formatAge(new Date('not a time'), NOW), 'unknown');
  });
});
