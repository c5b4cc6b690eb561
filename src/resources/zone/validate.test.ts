import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { DNS1123_LABEL_MESSAGE } from '../../core/dns-names.js';
import { ValidationError } from '../../core/errors.js';
import type { Violation } from '../../core/violations.js';
import { zoneDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };
const WHY = ' (the zone name is part of KRIs, SNIs and hostnames)';

function violationsOf(name: string, body: unknown): Violation[] {
  try {
    admit({ kind: zoneDescriptor, name, mesh: '', labels: {}, body }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

describe('Zone validation', () => {
  const cases: { title: string; name?: string; body: unknown; expected: Violation[] }[] = [
    { title: 'enabled must be a boolean', body: { enabled: 'yes' }, expected: [{ field: 'enabled', message: 'must be true or false; got string' }] },
    { title: 'enabled as a number', body: { enabled: 1 }, expected: [{ field: 'enabled', message: 'must be true or false; got number' }] },
    { title: 'name with an underscore would break KRIs', name: 'zone_1', body: {}, expected: [{ field: 'name', message: `${DNS1123_LABEL_MESSAGE}${WHY}` }] },
    { title: 'name with a dot', name: 'eu.west', body: {}, expected: [{ field: 'name', message: `${DNS1123_LABEL_MESSAGE}${WHY}` }] },
    { title: 'name longer than 63', name: 'z'.repeat(64), body: {}, expected: [{ field: 'name', message: `must be no more than 63 characters${WHY}` }] },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.name ?? 'east', c.body), c.expected));

  it('defaults enabled to true and keeps an explicit false', () => {
    const admit1 = admit({ kind: zoneDescriptor, name: 'east', mesh: '', labels: {}, body: {} }, ctx);
    assert.deepEqual(admit1.resource.spec, { enabled: true });
    const admit2 = admit({ kind: zoneDescriptor, name: 'east', mesh: '', labels: {}, body: { enabled: false } }, ctx);
    assert.deepEqual(admit2.resource.spec, { enabled: false });
    assert.deepEqual(admit2.resource.labels, {});
  });

  it('ENABLED column reads absent as true', () => {
    const column = zoneDescriptor.columns.find((c) => c.header === 'ENABLED');
    const r = { type: 'Zone', mesh: '', name: 'east', labels: {}, creationTime: '', modificationTime: '', version: 1, spec: {} };
    assert.equal(column?.value(r), 'true');
    assert.equal(column?.value({ ...r, spec: { enabled: false } }), 'false');
  });
});
