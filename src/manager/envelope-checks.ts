/**
 * Checks on a raw document's envelope that `parseDocument` does not make because it cannot see
 * them after parsing: a `mesh` on a kind that has no mesh is dropped there, silently. Used by the
 * REST API before parsing; the CLI can call it too. Pure.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import { isPlainObject } from '../core/schema.js';
import type { Violation } from '../core/violations.js';

export function envelopeViolations(raw: unknown, kind: KindDescriptor): Violation[] {
  if (!isPlainObject(raw)) return [];
  const out: Violation[] = [];
  if (kind.scope === 'Global' && raw.mesh !== undefined && raw.mesh !== null && raw.mesh !== '') {
    out.push({
      field: 'mesh',
      message: `must not be set: ${kind.name} is a global kind, not part of a mesh; got ${JSON.stringify(raw.mesh)}`,
    });
  }
  return out;
}
