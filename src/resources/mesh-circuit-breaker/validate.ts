/**
 * MeshCircuitBreaker rules beyond the schema (Kuma 2.x, with Kuma's messages): which refs may
 * appear where, that each entry configures something, limits and detector counts greater than 0,
 * durations greater than zero, percentages within 0-100, and outlier detection naming a detector.
 * Like MeshTimeout, the "nothing defined" message is Kuma 2.9's: Meshplane has no `rules` section.
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { durationMs } from '../../core/duration.js';
import { type TargetRefKind, validateTargetRef } from '../shared/target-ref.js';
import { type CircuitBreakerConf, type ConnectionLimits, DETECTOR_NAMES, type Detectors, type MeshCircuitBreakerSpec, type OutlierDetection } from './types.js';
import { decimalOf, MAX_STDEV_FACTOR } from './decimal.js';

const TOP_LEVEL_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshSubset', 'MeshService', 'MeshGateway', 'MeshServiceSubset', 'Dataplane'];
const TO_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService'];
const GREATER_THAN_ZERO = 'must be greater than 0';
const UINT_PERCENT = 'must be in inclusive range [0, 100]';
const PERCENT = 'must be in inclusive range [0.0, 100.0]';

export function validateMeshCircuitBreaker(input: ValidationInput<MeshCircuitBreakerSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const { targetRef } = input.spec;
  const to = input.spec.to ?? [];
  const from = input.spec.from ?? [];
  if (targetRef) {
    out.addAll(validateTargetRef(targetRef, spec.field('targetRef'), { allowedKinds: TOP_LEVEL_KINDS, position: 'top-level', inbound: from.length > 0 }));
  }
  if (to.length === 0 && from.length === 0) out.at(spec, "at least one of 'from', 'to' has to be defined");
  from.forEach((entry, i) => {
    const at = spec.field('from').index(i);
    out.addAll(validateTargetRef(entry.targetRef, at.field('targetRef'), { allowedKinds: ['Mesh'], position: 'from' }));
    out.addAll(validateConf(entry.default ?? {}, at.field('default')));
  });
  to.forEach((entry, i) => {
    const at = spec.field('to').index(i);
    out.addAll(validateTargetRef(entry.targetRef, at.field('targetRef'), { allowedKinds: TO_KINDS, position: 'to' }));
    out.addAll(validateConf(entry.default ?? {}, at.field('default')));
  });
  return out.items;
}

function validateConf(conf: CircuitBreakerConf, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (conf.connectionLimits === undefined && conf.outlierDetection === undefined) {
    out.at(path, "at least one of: 'connectionLimits' or 'outlierDetection' should be configured");
    return out.items;
  }
  if (conf.connectionLimits) out.addAll(validateLimits(conf.connectionLimits, path.field('connectionLimits')));
  if (conf.outlierDetection) out.addAll(validateOutlierDetection(conf.outlierDetection, path.field('outlierDetection')));
  return out.items;
}

/** Kuma's order: maxConnections, maxConnectionPools, maxPendingRequests, maxRetries, maxRequests. */
function validateLimits(limits: ConnectionLimits, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  for (const k of ['maxConnections', 'maxConnectionPools', 'maxPendingRequests', 'maxRetries', 'maxRequests'] as const) {
    if (limits[k] === 0) out.at(path.field(k), GREATER_THAN_ZERO);
  }
  return out.items;
}

function validateOutlierDetection(od: OutlierDetection, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  for (const k of ['interval', 'baseEjectionTime'] as const) {
    const d = od[k];
    if (d !== undefined && durationMs(d) <= 0) out.at(path.field(k), 'must be greater than zero when defined');
  }
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 100) out.at(path.field('maxEjectionPercent'), UINT_PERCENT);
  if (od.healthyPanicThreshold !== undefined) {
    const value = decimalOf(od.healthyPanicThreshold);
    if (value === undefined) out.at(path.field('healthyPanicThreshold'), 'string must be a valid number');
    else if (value < 0 || value > 100) out.at(path.field('healthyPanicThreshold'), PERCENT);
  }
  // Kuma asks for detectors even when `disabled: true`.
  if (od.detectors === undefined) out.at(path.field('detectors'), msg.required);
  else out.addAll(validateDetectors(od.detectors, path.field('detectors')));
  return out.items;
}

function validateDetectors(d: Detectors, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (DETECTOR_NAMES.every((name) => d[name] === undefined)) {
    out.at(path, `must have at least one defined: ${DETECTOR_NAMES.join(', ')}`);
    return out.items;
  }
  for (const name of ['totalFailures', 'gatewayFailures', 'localOriginFailures'] as const) {
    if (d[name]?.consecutive === 0) out.at(path.field(name).field('consecutive'), GREATER_THAN_ZERO);
  }
  const rate = d.successRate;
  if (rate) {
    const at = path.field('successRate');
    if (rate.minimumHosts === 0) out.at(at.field('minimumHosts'), GREATER_THAN_ZERO);
    if (rate.requestVolume === 0) out.at(at.field('requestVolume'), GREATER_THAN_ZERO);
    if (rate.standardDeviationFactor !== undefined) {
      const factor = decimalOf(rate.standardDeviationFactor);
      if (factor === undefined) out.at(at.field('standardDeviationFactor'), 'invalid number');
      else if (factor <= 0) out.at(at.field('standardDeviationFactor'), GREATER_THAN_ZERO);
      // Stricter than Kuma, which lets the thousandths overflow Envoy's uint32 silently.
      else if (factor > MAX_STDEV_FACTOR) out.at(at.field('standardDeviationFactor'), `must be at most ${MAX_STDEV_FACTOR}; got ${JSON.stringify(rate.standardDeviationFactor)}`);
    }
  }
  const failure = d.failurePercentage;
  if (failure) {
    const at = path.field('failurePercentage');
    if (failure.minimumHosts === 0) out.at(at.field('minimumHosts'), GREATER_THAN_ZERO);
    if (failure.requestVolume === 0) out.at(at.field('requestVolume'), GREATER_THAN_ZERO);
    if (failure.threshold !== undefined && failure.threshold > 100) out.at(at.field('threshold'), UINT_PERCENT);
  }
  return out.items;
}
