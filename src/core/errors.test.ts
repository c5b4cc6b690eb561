import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../../test/support/golden.js';
import { ERROR_CODES } from './errors.js';

it('docs/errors.md lists exactly the codes of the error catalogue', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| `(MP_ERR_[A-Z_]+)`/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), [...ERROR_CODES].sort());
});

it('every error class in src/core/errors.ts has its code in ERROR_CODES', () => {
  const source = readFileSync(join(REPO_ROOT, 'src', 'core', 'errors.ts'), 'utf8');
  const declared = [...source.matchAll(/readonly code = '(MP_ERR_[A-Z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual([...declared].sort(), [...ERROR_CODES].sort());
});
