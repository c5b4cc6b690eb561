/**
 * Turns a PUT body and its URL into a parsed document: JSON parse, name and mesh taken from the
 * URL when the body leaves them out, then Kuma's URL-versus-body checks. Pure; throws
 * ValidationError with every violation found.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import { ValidationError } from '../core/errors.js';
import { isPlainObject } from '../core/schema.js';
import type { Violation } from '../core/violations.js';
import { parseDocument, type ParsedDocument } from '../core/wire.js';
import { envelopeViolations } from '../manager/envelope-checks.js';

export interface PutTarget {
  readonly kind: KindDescriptor;
  /** '' for global kinds. */
  readonly mesh: string;
  readonly name: string;
}

export function parseJsonBody(body: unknown): unknown {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError([], `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function documentFromPut(raw: unknown, target: PutTarget): ParsedDocument {
  if (!isPlainObject(raw)) {
    throw new ValidationError([{ field: '', message: 'a resource must be a JSON object with type, name and spec' }]);
  }
  const filled: Record<string, unknown> = { ...raw };
  if (filled.name === undefined) filled.name = target.name;
  if (target.kind.scope === 'Mesh' && filled.mesh === undefined) filled.mesh = target.mesh;

  const violations: Violation[] = [...envelopeViolations(filled, target.kind)];
  const parsed = parseDocument(filled);
  if (!parsed.ok) throw new ValidationError([...violations, ...parsed.violations]);
  const { doc } = parsed;
  if (doc.name !== target.name) violations.push({ field: 'name', message: 'name from the URL has to be the same as in body' });
  if (doc.kind !== target.kind) violations.push({ field: 'type', message: 'type from the URL has to be the same as in body' });
  if (doc.kind === target.kind && target.kind.scope === 'Mesh' && doc.mesh !== target.mesh) {
    violations.push({ field: 'mesh', message: 'mesh from the URL has to be the same as in body' });
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return doc;
}
