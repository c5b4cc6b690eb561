import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { mergeConfs } from '../../../policies/merge-conf.js';
import type { CircuitBreakerConf } from '../../../resources/mesh-circuit-breaker/types.js';
import { type EncodedAny, encodeResource } from '../../envoy/encode.js';
import { TYPE_URL } from '../../envoy/type-urls.js';
import { circuitBreakerFields, grpcIgnoredSettings } from './circuit-breakers.js';
import { edsCluster } from './cluster.js';

const FULL: CircuitBreakerConf = {
  connectionLimits: { maxConnections: 2, maxConnectionPools: 3, maxPendingRequests: 4, maxRetries: 5, maxRequests: 6 },
  outlierDetection: {
    disabled: false,
    interval: '1.5s',
    baseEjectionTime: '30s',
    maxEjectionPercent: 20,
    splitExternalAndLocalErrors: true,
    healthyPanicThreshold: '30.2',
    detectors: {
      totalFailures: { consecutive: 10 },
      gatewayFailures: { consecutive: 11 },
      localOriginFailures: { consecutive: 12 },
      successRate: { minimumHosts: 5, requestVolume: 50, standardDeviationFactor: '1.9' },
      failurePercentage: { minimumHosts: 3, requestVolume: 20, threshold: 85 },
    },
  },
};

const v = (value: number) => ({ value });

interface GrpcCluster {
  readonly maxConcurrentRequests?: number;
  readonly outlierDetectionUpdate?: Record<string, unknown>;
}

interface GrpcClusterType {
  decode(context: unknown, any: EncodedAny): { value?: GrpcCluster; error?: string };
  /** How its xDS client decides that an update changes nothing (and drops it). */
  resourcesEqual(cached: GrpcCluster | undefined, update: GrpcCluster | undefined): boolean;
}

function grpcClusterType(): GrpcClusterType {
  const require = createRequire(import.meta.url);
  const lib = require('@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type') as { ClusterResourceType: { get(): GrpcClusterType } };
  return lib.ClusterResourceType.get();
}

/** What gRPC's own xDS client makes of a Cluster: its value, or its NACK reason. */
function grpcReading(cluster: Record<string, unknown>): { value?: GrpcCluster; error?: string } {
  return grpcClusterType().decode({}, encodeResource(TYPE_URL.cluster, cluster));
}

describe('MeshCircuitBreaker as Envoy cluster fields', () => {
  it('adds nothing when no MeshCircuitBreaker applies', () => {
    assert.deepEqual(circuitBreakerFields(undefined), {});
  });

  it('always tracks remaining, sets only the limits given, and no outlier detection without one', () => {
    assert.deepEqual(circuitBreakerFields({ connectionLimits: {} }), { circuit_breakers: { thresholds: [{ track_remaining: true }] } });
    assert.deepEqual(circuitBreakerFields({ connectionLimits: { maxRequests: 7 } }), { circuit_breakers: { thresholds: [{ track_remaining: true, max_requests: v(7) }] } });
  });

  it('maps every field, enforcing each configured detector at 100%', () => {
    assert.deepEqual(circuitBreakerFields(FULL), {
      circuit_breakers: {
        thresholds: [{ track_remaining: true, max_connections: v(2), max_pending_requests: v(4), max_requests: v(6), max_retries: v(5), max_connection_pools: v(3) }],
      },
      outlier_detection: {
        interval: { seconds: 1, nanos: 500_000_000 },
        base_ejection_time: { seconds: 30 },
        max_ejection_percent: v(20),
        split_external_local_origin_errors: true,
        enforcing_consecutive_5xx: v(100),
        consecutive_5xx: v(10),
        enforcing_consecutive_local_origin_failure: v(100),
        consecutive_local_origin_failure: v(12),
        enforcing_consecutive_gateway_failure: v(100),
        consecutive_gateway_failure: v(11),
        enforcing_success_rate: v(100),
        enforcing_local_origin_success_rate: v(100),
        success_rate_minimum_hosts: v(5),
        success_rate_request_volume: v(50),
        success_rate_stdev_factor: v(1900),
        enforcing_failure_percentage: v(100),
        enforcing_failure_percentage_local_origin: v(100),
        failure_percentage_minimum_hosts: v(3),
        failure_percentage_request_volume: v(20),
        failure_percentage_threshold: v(85),
      },
      common_lb_config: { healthy_panic_threshold: { value: 30.2 } },
    });
  });

  it('turns off the detectors not configured, so neither Envoy nor gRPC enforces its defaults', () => {
    const od = circuitBreakerFields({ outlierDetection: { detectors: { gatewayFailures: {} } } }).outlier_detection;
    assert.deepEqual(od, {
      enforcing_consecutive_5xx: v(0),
      enforcing_consecutive_local_origin_failure: v(0),
      enforcing_consecutive_gateway_failure: v(0),
      enforcing_success_rate: v(0),
      enforcing_local_origin_success_rate: v(0),
      enforcing_failure_percentage: v(0),
      enforcing_failure_percentage_local_origin: v(0),
    });
  });

  it('a later entry with disabled: true removes outlier detection and the panic threshold; a later disabled: false brings them back', () => {
    const meshWide = { conf: { outlierDetection: { healthyPanicThreshold: 10, detectors: { totalFailures: { consecutive: 5 } } } }, source: 'MeshCircuitBreaker/a' };
    const off = { conf: { outlierDetection: { disabled: true } }, source: 'MeshCircuitBreaker/b' };
    const on = { conf: { outlierDetection: { disabled: false } }, source: 'MeshCircuitBreaker/c' };
    const disabled = mergeConfs<CircuitBreakerConf>([meshWide, off]);
    assert.deepEqual(circuitBreakerFields(disabled?.value), { circuit_breakers: { thresholds: [{ track_remaining: true }] } });
    const enabled = mergeConfs<CircuitBreakerConf>([meshWide, off, on]);
    assert.deepEqual(circuitBreakerFields(enabled?.value).common_lb_config, { healthy_panic_threshold: { value: 10 } });
    assert.deepEqual((circuitBreakerFields(enabled?.value).outlier_detection as Record<string, unknown>).consecutive_5xx, v(5));
    assert.deepEqual(enabled?.from, {
      'outlierDetection.healthyPanicThreshold': 'MeshCircuitBreaker/a',
      'outlierDetection.detectors.totalFailures.consecutive': 'MeshCircuitBreaker/a',
      'outlierDetection.disabled': 'MeshCircuitBreaker/c',
    });
  });

  it("gRPC's xDS client accepts the full cluster, reads max_requests as its call limit and takes the success-rate and failure-percentage detectors", () => {
    const read = grpcReading(edsCluster('backend', 'http2', {}, circuitBreakerFields(FULL)));
    assert.equal(read.error, undefined);
    assert.equal(read.value?.maxConcurrentRequests, 6);
    const od = read.value?.outlierDetectionUpdate as { max_ejection_percent?: number; success_rate_ejection?: Record<string, unknown>; failure_percentage_ejection?: Record<string, unknown> };
    assert.equal(od.max_ejection_percent, 20);
    assert.deepEqual(od.success_rate_ejection, { enforcement_percentage: 100, minimum_hosts: 5, request_volume: 50, stdev_factor: 1900 });
    assert.deepEqual(od.failure_percentage_ejection, { enforcement_percentage: 100, minimum_hosts: 3, request_volume: 20, threshold: 85 });
  });

  it('without a successRate detector gRPC does no success-rate ejection (it would by default)', () => {
    const read = grpcReading(edsCluster('backend', 'http2', {}, circuitBreakerFields({ outlierDetection: { detectors: { totalFailures: { consecutive: 3 } } } })));
    assert.equal(read.error, undefined);
    assert.equal(read.value?.maxConcurrentRequests, undefined);
    const od = read.value?.outlierDetectionUpdate as Record<string, unknown>;
    assert.equal(od.success_rate_ejection, undefined);
    assert.equal(od.failure_percentage_ejection, undefined);
  });

  it('an update that adds outlier detection to a cluster gRPC already has is a change to gRPC, not dropped as equal', () => {
    const withLimits = circuitBreakerFields({ connectionLimits: { maxRequests: 5 } });
    const withDetection = circuitBreakerFields({ connectionLimits: { maxRequests: 5 }, outlierDetection: { detectors: { failurePercentage: {} } } });
    const cached = grpcReading(edsCluster('backend', 'http2', {}, withLimits)).value;
    const update = grpcReading(edsCluster('backend', 'http2', {}, withDetection)).value;
    assert.equal(grpcClusterType().resourcesEqual(cached, update), false);
    // Why the EDS service is named: gRPC's comparison walks the cached value's keys only.
    const unnamed = { ...edsCluster('backend', 'http2', {}, withDetection), eds_cluster_config: edsCluster('backend').eds_cluster_config };
    assert.equal(grpcClusterType().resourcesEqual(cached, grpcReading(unnamed).value), true);
    const serviceName = (breaker: Record<string, unknown>): unknown => (edsCluster('backend', 'http2', {}, breaker).eds_cluster_config as { service_name?: string }).service_name;
    assert.equal(serviceName(withDetection), 'backend');
    assert.equal(serviceName(withLimits), undefined);
  });

  it('names the settings gRPC ignores, outlier ones only while detection is on', () => {
    const merged = mergeConfs<CircuitBreakerConf>([{ conf: FULL, source: 'MeshCircuitBreaker/full' }]);
    assert.deepEqual(grpcIgnoredSettings(merged), [
      'connectionLimits.maxConnections (MeshCircuitBreaker/full)',
      'connectionLimits.maxConnectionPools (MeshCircuitBreaker/full)',
      'connectionLimits.maxPendingRequests (MeshCircuitBreaker/full)',
      'connectionLimits.maxRetries (MeshCircuitBreaker/full)',
      'outlierDetection.splitExternalAndLocalErrors (MeshCircuitBreaker/full)',
      'outlierDetection.healthyPanicThreshold (MeshCircuitBreaker/full)',
      'outlierDetection.detectors.totalFailures.consecutive (MeshCircuitBreaker/full)',
      'outlierDetection.detectors.gatewayFailures.consecutive (MeshCircuitBreaker/full)',
      'outlierDetection.detectors.localOriginFailures.consecutive (MeshCircuitBreaker/full)',
    ]);
    const off = mergeConfs<CircuitBreakerConf>([{ conf: FULL, source: 'MeshCircuitBreaker/full' }, { conf: { outlierDetection: { disabled: true } }, source: 'MeshCircuitBreaker/off' }]);
    assert.equal(grpcIgnoredSettings(off).filter((s) => s.startsWith('outlierDetection.')).length, 0);
    assert.deepEqual(grpcIgnoredSettings(mergeConfs<CircuitBreakerConf>([{ conf: { connectionLimits: { maxRequests: 1 } }, source: 'x' }])), []);
  });
});
