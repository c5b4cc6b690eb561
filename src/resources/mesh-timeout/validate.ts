/**
 * MeshTimeout rules beyond the schema (Kuma 2.x). The schema's duration format has no sign, so
 * Kuma's "must not be negative" rules are enforced there; what is left is which refs may appear
 * where, that something is configured, and which fields a MeshHTTPRoute-level policy may set.
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { type TargetRefKind, validateTargetRef } from '../shared/target-ref.js';
import { durationMs } from '../../core/duration.js';
import type { MeshTimeoutSpec, TimeoutConf } from './types.js';

/** Kuma's list for system-role policies; every policy on a Universal zone has that role. */
const TOP_LEVEL_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshSubset', 'Dataplane', 'MeshGateway', 'MeshService', 'MeshServiceSubset', 'MeshHTTPRoute'];
const TO_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'MeshHTTPRoute'];
const ROUTE_OR_GATEWAY_TO_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshExternalService'];
const ROUTE_LEVEL = "can't be specified when top-level TargetRef is referencing MeshHTTPRoute";

export function validateMeshTimeout(input: ValidationInput<MeshTimeoutSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const { targetRef } = input.spec;
  const to = input.spec.to ?? [];
  const from = input.spec.from ?? [];
  if (targetRef) {
    out.addAll(validateTargetRef(targetRef, spec.field('targetRef'), { allowedKinds: TOP_LEVEL_KINDS, position: 'top-level', inbound: from.length > 0 }));
  }
  // Kuma 2.9's wording: Meshplane has no inbound `rules` section (added in later Kuma releases).
  if (to.length === 0 && from.length === 0) out.at(spec, "at least one of 'from', 'to' has to be defined");
  const topKind = targetRef?.kind ?? 'Mesh';
  const routeOrGateway = topKind === 'MeshHTTPRoute' || topKind === 'MeshGateway';
  if (routeOrGateway) {
    if (from.length > 0) out.at(spec.field('from'), 'must not be defined');
  } else {
    from.forEach((entry, i) => {
      const at = spec.field('from').index(i);
      out.addAll(validateTargetRef(entry.targetRef, at.field('targetRef'), { allowedKinds: ['Mesh'], position: 'from' }));
      out.addAll(validateConf(entry.default ?? {}, at.field('default'), topKind));
    });
  }
  to.forEach((entry, i) => {
    const at = spec.field('to').index(i);
    const allowedKinds = routeOrGateway ? ROUTE_OR_GATEWAY_TO_KINDS : TO_KINDS;
    out.addAll(validateTargetRef(entry.targetRef, at.field('targetRef'), { allowedKinds, position: 'to' }));
    out.addAll(validateConf(entry.default ?? {}, at.field('default'), topKind));
  });
  return out.items;
}

function validateConf(conf: TimeoutConf, path: PathBuilder, topKind: string): Violation[] {
  const out = new ViolationList();
  if (conf.connectionTimeout === undefined && conf.idleTimeout === undefined && conf.http === undefined) {
    out.at(path, 'at least one timeout should be configured');
    return out.items;
  }
  const http = conf.http;
  if (topKind === 'MeshHTTPRoute') {
    // A route's timeouts apply per request; connection-level ones cannot be scoped to a route.
    if (conf.connectionTimeout !== undefined) out.at(path.field('connectionTimeout'), ROUTE_LEVEL);
    if (conf.idleTimeout !== undefined) out.at(path.field('idleTimeout'), ROUTE_LEVEL);
    if (http?.maxStreamDuration !== undefined) out.at(path.field('http').field('maxStreamDuration'), ROUTE_LEVEL);
    if (http?.maxConnectionDuration !== undefined) out.at(path.field('http').field('maxConnectionDuration'), ROUTE_LEVEL);
  }
  if (conf.connectionTimeout !== undefined && durationMs(conf.connectionTimeout) <= 0) {
    out.at(path.field('connectionTimeout'), 'must be greater than zero when defined');
  }
  // Kuma forgets requestHeadersTimeout here and refuses an http block that sets only it; we count it.
  if (http && Object.values(http).every((v) => v === undefined)) {
    out.at(path.field('http'), 'at least one timeout in this section should be configured');
  }
  return out.items;
}
