/**
 * Replays Kuma's own REST fixtures (kuma-fixtures/api-server-crud, unchanged) against a real
 * server. Where Meshplane deliberately answers differently, the difference is applied to the
 * expected answer here, by name, one per request, so the fixture itself stays Kuma's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DNS1035_MESSAGE } from '../../src/core/dns-names.js';
import { SHARED_DIR } from '../support/golden.js';
import { type Harness, startHarness } from './api-harness.js';
import { type FixtureRequest, isTimestamp, loadFixtureCases, seedStore, withoutTimes } from './kuma-fixtures.js';

const FIXTURES = join(SHARED_DIR, 'kuma-fixtures', 'api-server-crud');

interface Expected {
  status: number;
  body: unknown;
}

type Difference = (e: Expected) => Expected;

/**
 * Kuma HEAD computes `kuma.io/display-name` on every write; v2.14.3 (the fixtures) does not yet.
 * We follow HEAD so KRIs and hostnames of synced copies keep the user's name.
 */
const displayNameLabel: Difference = (e) => {
  const body = structuredClone(e.body) as { name: string; labels: Record<string, string> };
  body.labels = { 'kuma.io/display-name': body.name, ...body.labels };
  return { ...e, body };
};

/** Kuma drops the unknown `protocol` port field silently; we keep dropping it but say so. */
const unknownFieldWarning: Difference = (e) => ({
  ...e,
  body: { warnings: ['spec.ports[0].protocol: unknown field, ignored'] },
});

/**
 * Kuma 2.x only warns about a MeshService name that is not an RFC 1035 label (`aa.a`); the name
 * ends up in DNS and SNIs, so we reject it with 400, as Kuma HEAD does.
 */
const rfc1035NameRejected: Difference = () => ({
  status: 400,
  body: {
    type: '/std-errors',
    status: 400,
    title: 'Failed to create a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'name', reason: DNS1035_MESSAGE }],
    details: 'Resource is not valid',
    causes: [{ field: 'name', message: DNS1035_MESSAGE }],
  },
});

/** Case name -> request index -> the one difference applied to that request's expectation. */
const DIFFERENCES: Record<string, Record<number, Difference>> = {
  put_meshservice: { 0: unknownFieldWarning, 1: displayNameLabel, 2: rfc1035NameRejected },
  put_meshservice_with_status: { 0: unknownFieldWarning, 1: displayNameLabel, 2: unknownFieldWarning, 3: displayNameLabel },
};

function expectedFor(caseName: string, req: FixtureRequest): Expected {
  const base = { status: req.status, body: req.golden };
  const difference = DIFFERENCES[caseName]?.[req.index];
  return difference ? difference(base) : base;
}

const cases = loadFixtureCases(FIXTURES);

describe('Kuma api-server CRUD fixtures', () => {
  it('finds the fixtures', () => {
    assert.ok(cases.length >= 3, `expected Kuma fixtures in ${FIXTURES}`);
    assert.ok(cases.every((c) => c.requests.length > 0));
  });

  for (const fixture of cases) {
    describe(fixture.name, () => {
      let h: Harness;
      before(async () => {
        h = await startHarness({ defaultMesh: false, zone: 'default' });
        await seedStore(h.store, fixture.resources);
      });
      after(async () => h.close());

      for (const req of fixture.requests) {
        it(`#${req.index} ${req.method} ${req.path} -> ${req.status}`, async () => {
          const expected = expectedFor(fixture.name, req);
          const answer = await h.request(req.method, req.path, req.body);
          assert.equal(answer.status, expected.status, answer.text);
          const times: string[] = [];
          const actual = withoutTimes(answer.json, times);
          for (const t of times) assert.ok(isTimestamp(t), `not a timestamp: ${t}`);
          const expectedTimes: string[] = [];
          assert.deepEqual(actual, withoutTimes(expected.body, expectedTimes));
          assert.equal(times.length, expectedTimes.length, 'same number of timestamps as the golden');
        });
      }
    });
  }
});
