/**
 * Kuma's `HeaderMatch` (common API): used by MeshHTTPRoute matches and by MeshRetry's retriable
 * request/response headers.
 */
import { s } from '../../core/schema.js';
import { type PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { regexErrors } from './regular-expression.js';

export const HEADER_MATCH_TYPES = ['Exact', 'Present', 'RegularExpression', 'Absent', 'Prefix'] as const;
export type HeaderMatchType = (typeof HEADER_MATCH_TYPES)[number];

export interface HeaderMatch {
  readonly type: HeaderMatchType;
  readonly name: string;
  readonly value?: string;
}

export const headerMatchSchema = s.object(
  {
    type: s.string({ enum: HEADER_MATCH_TYPES, default: 'Exact' }),
    name: s.string(),
    value: s.string(),
  },
  { required: ['name'] },
);

/** Present and Absent take no value (Kuma); a RegularExpression must compile (stricter than Kuma). */
export function validateHeaderMatches(headers: readonly HeaderMatch[], path: PathBuilder): Violation[] {
  const out = new ViolationList();
  headers.forEach((h, i) => {
    const value = path.index(i).field('value');
    if ((h.type === 'Present' || h.type === 'Absent') && h.value) out.at(value, 'must not be defined');
    if (h.type === 'RegularExpression') for (const m of regexErrors(h.value ?? '')) out.at(value, m);
  });
  return out.items;
}
