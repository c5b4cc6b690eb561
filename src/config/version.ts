/** The version of this Meshplane build, read from the package.json above the running file. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readVersion(): string {
  const path = findPackageJson();
  if (path === undefined) return 'unknown';
  const pkg: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

export const MESHPLANE_VERSION: string = readVersion();
