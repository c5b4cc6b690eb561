/**
 * The bad-document corpus for routes and policies: every entry, parsed as a user's document and
 * admitted, must be refused with exactly the listed violations, in order. The REST tests replay
 * the same files against a running server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../src/core/admission.js';
import { ValidationError } from '../../src/core/errors.js';
import type { Violation } from '../../src/core/violations.js';
import { parseDocument } from '../../src/core/wire.js';
import { REPO_ROOT } from '../support/golden.js';

const FILES = ['mesh-http-route', 'mesh-tcp-route', 'mesh-timeout', 'mesh-retry', 'mesh-circuit-breaker'];
const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

interface Entry {
  readonly title: string;
  readonly doc: unknown;
  readonly violations: Violation[];
}

function refusal(doc: unknown): Violation[] {
  const parsed = parseDocument(doc);
  if (!parsed.ok) return parsed.violations;
  const { kind, name, mesh, labels, body } = parsed.doc;
  try {
    admit({ kind, name, mesh: mesh || 'default', labels, body }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

for (const file of FILES) {
  const entries = parse(readFileSync(join(REPO_ROOT, 'test', 'corpus', 'bad-documents', `${file}.yaml`), 'utf8')) as Entry[];

  describe(`bad documents: ${file}`, () => {
    it('has at least 6 entries with distinct titles and names, all in mesh default', () => {
      assert.ok(entries.length >= 6, `${entries.length} entries`);
      assert.equal(new Set(entries.map((e) => e.title)).size, entries.length);
      const docs = entries.map((e) => e.doc as { name: string; mesh: string });
      assert.equal(new Set(docs.map((d) => d.name)).size, entries.length);
      assert.deepEqual([...new Set(docs.map((d) => d.mesh))], ['default']);
    });
    for (const entry of entries) {
      it(entry.title, () => {
        assert.ok(entry.violations.length > 0, 'an entry must list what is wrong');
        assert.deepEqual(refusal(entry.doc), entry.violations);
      });
    }
  });
}
