/**
 * The bad-document corpus for Mesh, Dataplane, Zone, ZoneIngress, MeshMultiZoneService and
 * HostnameGenerator: every entry, parsed as a user's document and admitted, must be refused with
 * exactly the listed violations, in order, on a zone and on a global control plane alike (the
 * entries carry no labels, so nothing in them depends on the mode). The REST tests replay them.
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

const FILES: { file: string; type: string; meshScoped: boolean; min: number }[] = [
  { file: 'mesh', type: 'Mesh', meshScoped: false, min: 5 },
  { file: 'dataplane', type: 'Dataplane', meshScoped: true, min: 10 },
  { file: 'zone', type: 'Zone', meshScoped: false, min: 5 },
  { file: 'zone-ingress', type: 'ZoneIngress', meshScoped: false, min: 5 },
  { file: 'mesh-multizone-service', type: 'MeshMultiZoneService', meshScoped: true, min: 5 },
  { file: 'hostname-generator', type: 'HostnameGenerator', meshScoped: false, min: 5 },
];
const CONTEXTS: AdmissionContext[] = [
  { mode: 'zone', zone: 'default', environment: 'universal' },
  { mode: 'global', zone: '', environment: 'universal' },
];

interface Entry {
  readonly title: string;
  readonly doc: Record<string, unknown>;
  readonly violations: Violation[];
}

function refusal(doc: unknown, ctx: AdmissionContext): Violation[] {
  const parsed = parseDocument(doc);
  if (!parsed.ok) return parsed.violations;
  try {
    admit(parsed.doc, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

for (const { file, type, meshScoped, min } of FILES) {
  const entries = parse(readFileSync(join(REPO_ROOT, 'test', 'corpus', 'bad-documents', `${file}.yaml`), 'utf8')) as Entry[];

  describe(`bad documents: ${file}`, () => {
    it(`has at least ${min} entries of type ${type}, distinct titles and names, no labels`, () => {
      assert.ok(entries.length >= min, `${entries.length} entries`);
      assert.equal(new Set(entries.map((e) => e.title)).size, entries.length);
      assert.equal(new Set(entries.map((e) => e.doc.name)).size, entries.length);
      for (const { doc } of entries) {
        assert.equal(doc.type, type);
        assert.notEqual(doc.name, 'default', 'must not touch the mesh the REST test relies on');
        assert.equal(doc.labels, undefined);
        assert.equal(doc.mesh, meshScoped ? 'default' : undefined);
      }
    });
    for (const entry of entries) {
      it(entry.title, () => {
        assert.ok(entry.violations.length > 0, 'an entry must list what is wrong');
        for (const ctx of CONTEXTS) assert.deepEqual(refusal(entry.doc, ctx), entry.violations, `${ctx.mode} control plane`);
      });
    }
  });
}
