/**
 * What the kill -9 writer writes, as a pure function of (name, version), so the checker can tell
 * whether a stored resource is exactly one of the values the writer could have committed. The
 * payload's size (50 B to 40 KB) and text both depend on the version: a row stitched together
 * from two writes, or cut short, cannot match.
 */
import type { NewResource } from '../../src/core/resource.js';

export const CRASH_TYPE = 'MeshService';
export const CRASH_MESH = 'crash';
export const MAX_RESOURCES = 200;

export function crashName(index: number): string {
  return `svc-${index}`;
}

export function crashWrite(name: string, version: number): NewResource {
  const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const size = 50 + ((seed + version * 7919) % 40_000);
  const payload = `${name}@${version};`.repeat(Math.ceil(size / (name.length + 8))).slice(0, size);
  return {
    type: CRASH_TYPE,
    mesh: CRASH_MESH,
    name,
    labels: { gen: String(version), writer: 'crash-test' },
    spec: { name, version, ports: [{ port: 1000 + (version % 100), appProtocol: 'http' }], payload },
    ...(version % 3 === 0 ? {} : { status: { observed: version } }),
  };
}

/** Progress lines on the writer's stdout. */
export const READY_LINE = /^ready (\d+)$/;
export const WROTE_LINE = /^wrote (\d+)$/;
