/**
 * MeshCircuitBreaker as Envoy Cluster fields (Kuma's configurer), on the cluster of every
 * destination port a MeshCircuitBreaker applies to:
 * - `circuit_breakers`: one DEFAULT-priority threshold with `track_remaining` (always, as Kuma)
 *   and the limits the merged `connectionLimits` sets;
 * - `outlier_detection`, unless `disabled`: interval, base ejection time, max ejection percent,
 *   split of local-origin errors, and per detector its settings with enforcement 100 (set) or 0
 *   (not set: Envoy would otherwise enforce its own default consecutive-5xx and success-rate
 *   detection, and gRPC its default success-rate detection);
 * - `common_lb_config.healthy_panic_threshold` from outlierDetection.healthyPanicThreshold.
 * gRPC's xDS client accepts all of it (grpc-js-xds validates outlier_detection's percentages and
 * durations, which admission already bounds) and applies only `max_requests` (its concurrent-call
 * limit, default 1024) and the interval, ejection time and percent, success-rate and
 * failure-percentage parts of outlier detection; `grpcIgnoredSettings` names the rest.
 */
import type { EnvoyObject } from '../../envoy/encode.js';
import type { MergedConf } from '../../../policies/merge-conf.js';
import { decimalOf, thousandths } from '../../../resources/mesh-circuit-breaker/decimal.js';
import type { CircuitBreakerConf, ConnectionLimits, Detectors, OutlierDetection } from '../../../resources/mesh-circuit-breaker/types.js';
import { durationMs } from '../../../core/duration.js';
import { durationOf } from './timeouts.js';

const u32 = (value: number): EnvoyObject => ({ value });
const ENFORCED = u32(100);
const NOT_ENFORCED = u32(0);

const LIMITS: readonly [keyof ConnectionLimits, string][] = [
  ['maxConnections', 'max_connections'],
  ['maxPendingRequests', 'max_pending_requests'],
  ['maxRequests', 'max_requests'],
  ['maxRetries', 'max_retries'],
  ['maxConnectionPools', 'max_connection_pools'],
];

/** The Cluster fields for the merged conf of a destination port; `{}` when no MeshCircuitBreaker applies. */
export function circuitBreakerFields(conf: CircuitBreakerConf | undefined): EnvoyObject {
  if (conf === undefined) return {};
  const threshold: Record<string, unknown> = { track_remaining: true };
  for (const [field, envoy] of LIMITS) {
    const value = conf.connectionLimits?.[field];
    if (value !== undefined) threshold[envoy] = u32(value);
  }
  const od = conf.outlierDetection;
  const out: Record<string, unknown> = { circuit_breakers: { thresholds: [threshold] } };
  if (od === undefined || od.disabled === true) return out;
  out.outlier_detection = outlierDetection(od);
  const panic = od.healthyPanicThreshold === undefined ? undefined : decimalOf(od.healthyPanicThreshold);
  if (panic !== undefined) out.common_lb_config = { healthy_panic_threshold: { value: panic } };
  return out;
}

function outlierDetection(od: OutlierDetection): EnvoyObject {
  const out: Record<string, unknown> = {};
  if (od.interval !== undefined) out.interval = durationOf(durationMs(od.interval));
  if (od.baseEjectionTime !== undefined) out.base_ejection_time = durationOf(durationMs(od.baseEjectionTime));
  if (od.maxEjectionPercent !== undefined) out.max_ejection_percent = u32(od.maxEjectionPercent);
  if (od.splitExternalAndLocalErrors !== undefined) out.split_external_local_origin_errors = od.splitExternalAndLocalErrors;
  return { ...out, ...detectorFields(od.detectors ?? {}) };
}

function detectorFields(d: Detectors): EnvoyObject {
  const out: Record<string, unknown> = {};
  const consecutive = (value: number | undefined, count: string, enforcing: string): void => {
    out[enforcing] = value === undefined ? NOT_ENFORCED : ENFORCED;
    if (value !== undefined) out[count] = u32(value);
  };
  consecutive(d.totalFailures?.consecutive, 'consecutive_5xx', 'enforcing_consecutive_5xx');
  consecutive(d.localOriginFailures?.consecutive, 'consecutive_local_origin_failure', 'enforcing_consecutive_local_origin_failure');
  consecutive(d.gatewayFailures?.consecutive, 'consecutive_gateway_failure', 'enforcing_consecutive_gateway_failure');
  const rate = d.successRate;
  out.enforcing_success_rate = rate ? ENFORCED : NOT_ENFORCED;
  out.enforcing_local_origin_success_rate = rate ? ENFORCED : NOT_ENFORCED;
  if (rate?.minimumHosts !== undefined) out.success_rate_minimum_hosts = u32(rate.minimumHosts);
  if (rate?.requestVolume !== undefined) out.success_rate_request_volume = u32(rate.requestVolume);
  const factor = rate?.standardDeviationFactor === undefined ? undefined : decimalOf(rate.standardDeviationFactor);
  if (factor !== undefined) out.success_rate_stdev_factor = u32(thousandths(factor));
  const failure = d.failurePercentage;
  out.enforcing_failure_percentage = failure ? ENFORCED : NOT_ENFORCED;
  out.enforcing_failure_percentage_local_origin = failure ? ENFORCED : NOT_ENFORCED;
  if (failure?.minimumHosts !== undefined) out.failure_percentage_minimum_hosts = u32(failure.minimumHosts);
  if (failure?.requestVolume !== undefined) out.failure_percentage_request_volume = u32(failure.requestVolume);
  if (failure?.threshold !== undefined) out.failure_percentage_threshold = u32(failure.threshold);
  return out;
}

/** Settings gRPC's xDS client receives but does not apply (it has no such limit or detector). */
const GRPC_IGNORES: readonly string[] = [
  'connectionLimits.maxConnections',
  'connectionLimits.maxPendingRequests',
  'connectionLimits.maxRetries',
  'connectionLimits.maxConnectionPools',
  'outlierDetection.splitExternalAndLocalErrors',
  'outlierDetection.healthyPanicThreshold',
  'outlierDetection.detectors.totalFailures',
  'outlierDetection.detectors.gatewayFailures',
  'outlierDetection.detectors.localOriginFailures',
];

/** The merged settings a gRPC client ignores, as `setting (source)`; outlier ones only when detection is on. */
export function grpcIgnoredSettings(merged: MergedConf<CircuitBreakerConf> | undefined): string[] {
  if (merged === undefined) return [];
  const detecting = merged.value.outlierDetection !== undefined && merged.value.outlierDetection.disabled !== true;
  return Object.entries(merged.from)
    .filter(([path]) => GRPC_IGNORES.some((p) => path === p || path.startsWith(`${p}.`)))
    .filter(([path]) => detecting || !path.startsWith('outlierDetection.'))
    .map(([path, source]) => `${path} (${source})`);
}
