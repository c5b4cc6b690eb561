/** MeshHTTPRoute rules beyond the schema: Kuma 2.x, plus the stricter checks Meshplane adds. */
import type { ValidationInput } from '../../core/descriptor.js';
import { PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { type TargetRefKind, validateBackendRefs, validateTargetRef } from '../shared/target-ref.js';
import { validateHeaderMatches } from '../shared/header-match.js';
import { validateFilters } from './validate-filters.js';
import { regexErrors } from '../shared/regular-expression.js';
import type { HttpMatch, HttpRule, MeshHttpRouteSpec, PathMatch, QueryParamsMatch } from './types.js';

/** Kuma's list for system-role routes; every route on a Universal zone has that role. */
const TOP_LEVEL_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshGateway', 'MeshSubset', 'MeshService', 'MeshServiceSubset', 'Dataplane'];
const TO_KINDS: readonly TargetRefKind[] = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'];
const GATEWAY_TO_KINDS: readonly TargetRefKind[] = ['Mesh'];
export const BACKEND_REF_KINDS: readonly TargetRefKind[] = ['MeshService', 'MeshServiceSubset', 'MeshExternalService', 'MeshMultiZoneService'];

export function validateMeshHttpRoute(input: ValidationInput<MeshHttpRouteSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const { targetRef } = input.spec;
  if (targetRef) out.addAll(validateTargetRef(targetRef, spec.field('targetRef'), { allowedKinds: TOP_LEVEL_KINDS, position: 'top-level' }));
  const onGateway = targetRef?.kind === 'MeshGateway';
  (input.spec.to ?? []).forEach((to, i) => {
    const at = spec.field('to').index(i);
    const allowedKinds = onGateway ? GATEWAY_TO_KINDS : TO_KINDS;
    out.addAll(validateTargetRef(to.targetRef, at.field('targetRef'), { allowedKinds, position: 'to' }));
    (to.rules ?? []).forEach((rule, j) => out.addAll(validateRule(rule, at.field('rules').index(j), onGateway)));
    if (!onGateway && (to.hostnames ?? []).length > 0) out.at(at.field('hostnames'), 'must not be defined');
  });
  return out.items;
}

function validateRule(rule: HttpRule, path: PathBuilder, onGateway: boolean): Violation[] {
  const out = new ViolationList();
  const matches = rule.matches ?? [];
  matches.forEach((m, i) => out.addAll(validateMatch(m, path.field('matches').index(i))));
  const filters = rule.default?.filters ?? [];
  out.addAll(validateFilters(filters, matches, path.field('default').field('filters'), onGateway));
  const backendRefs = rule.default?.backendRefs ?? [];
  const backendRefsPath = path.field('default').field('backendRefs');
  if (backendRefs.length === 0 && onGateway && !filters.some((f) => f.type === 'RequestRedirect')) {
    out.at(backendRefsPath, 'must not be empty');
  }
  out.addAll(validateBackendRefs(backendRefs, backendRefsPath, BACKEND_REF_KINDS));
  return out.items;
}

function validateMatch(match: HttpMatch, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (match.path) out.addAll(validatePath(match.path, path.field('path').field('value')));
  out.addAll(validateQueryParams(match.queryParams ?? [], path.field('queryParams')));
  out.addAll(validateHeaderMatches(match.headers ?? [], path.field('headers')));
  return out.items;
}

function validatePath(match: PathMatch, value: PathBuilder): Violation[] {
  const out = new ViolationList();
  switch (match.type) {
    case 'RegularExpression':
      for (const m of regexErrors(match.value)) out.at(value, m);
      break;
    case 'PathPrefix':
      if (match.value === '/') break;
      if (match.value.endsWith('/')) {
        out.at(value, 'does not need a trailing slash because only a `/`-separated prefix or an entire path is matched');
      }
      if (!match.value.startsWith('/')) out.at(value, 'must be an absolute path');
      break;
    case 'Exact':
      if (!match.value.startsWith('/')) out.at(value, 'must be an absolute path');
      break;
  }
  return out.items;
}

function validateQueryParams(params: readonly QueryParamsMatch[], path: PathBuilder): Violation[] {
  const out = new ViolationList();
  const seen = new Set<string>();
  params.forEach((p, i) => {
    if (seen.has(p.name)) out.at(path.index(i).field('name'), `multiple entries for name ${p.name}`);
    seen.add(p.name);
    if (p.type === 'RegularExpression') for (const m of regexErrors(p.value ?? '')) out.at(path.index(i).field('value'), m);
  });
  return out.items;
}
