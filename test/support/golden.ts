/**
 * Golden files: compare generated output with a checked-in file; `UPDATE_GOLDEN=1 npm test`
 * rewrites them. Goldens live in the source tree (src/.../testdata), not in dist/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether running from src (tsx) or from dist (compiled). */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** Maps a path next to a (possibly compiled) test file back to the source tree. */
export function sourcePath(testFileUrl: string, ...parts: string[]): string {
  const here = dirname(fileURLToPath(testFileUrl));
  const rel = relative(REPO_ROOT, here).split(sep);
  const inSource = rel[0] === 'dist' ? rel.slice(1) : rel;
  return join(REPO_ROOT, ...inSource, ...parts);
}

export function assertGolden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) assert.fail(`golden file missing: ${path}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN === '1') return;
  }
  const expected = readFileSync(path, 'utf8');
  assert.equal(actual, expected, `output differs from ${relative(REPO_ROOT, path)}; run UPDATE_GOLDEN=1 npm test to accept`);
}

export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');
