/**
 * MeshCircuitBreaker (Kuma 2.x): connection limits towards a destination, and outlier detection
 * that ejects endpoints which keep failing. `to` entries configure the client side; `from` entries
 * are accepted as Kuma accepts them but not applied (Meshplane applies outbound policies only).
 */
import type { TargetRef } from '../shared/target-ref.js';

/** Each limit, when set, must be greater than 0 (Envoy's circuit_breakers thresholds). */
export interface ConnectionLimits {
  readonly maxConnections?: number;
  readonly maxConnectionPools?: number;
  readonly maxPendingRequests?: number;
  readonly maxRetries?: number;
  /** The only limit gRPC's own xDS client applies (concurrent calls per cluster). */
  readonly maxRequests?: number;
}

export interface ConsecutiveDetector {
  readonly consecutive?: number;
}

export interface SuccessRateDetector {
  readonly minimumHosts?: number;
  readonly requestVolume?: number;
  /** A decimal, as a number or a string (`1.9`, `"1.9"`); Envoy takes it multiplied by 1000. */
  readonly standardDeviationFactor?: number | string;
}

export interface FailurePercentageDetector {
  readonly minimumHosts?: number;
  readonly requestVolume?: number;
  /** Percent, 0-100. */
  readonly threshold?: number;
}

export interface Detectors {
  readonly totalFailures?: ConsecutiveDetector;
  readonly gatewayFailures?: ConsecutiveDetector;
  readonly localOriginFailures?: ConsecutiveDetector;
  readonly successRate?: SuccessRateDetector;
  readonly failurePercentage?: FailurePercentageDetector;
}

export const DETECTOR_NAMES = ['totalFailures', 'gatewayFailures', 'localOriginFailures', 'successRate', 'failurePercentage'] as const;

export interface OutlierDetection {
  /** `true`: no outlier detection at all, whatever else is set (a later entry may set it back). */
  readonly disabled?: boolean;
  readonly interval?: string;
  readonly baseEjectionTime?: string;
  /** Percent, 0-100. */
  readonly maxEjectionPercent?: number;
  readonly splitExternalAndLocalErrors?: boolean;
  readonly detectors?: Detectors;
  /** Percent 0-100, a number or a decimal string; 0 turns Envoy's panic mode off. */
  readonly healthyPanicThreshold?: number | string;
}

export interface CircuitBreakerConf {
  readonly connectionLimits?: ConnectionLimits;
  readonly outlierDetection?: OutlierDetection;
}

export interface CircuitBreakerEntry {
  readonly targetRef?: TargetRef;
  readonly default?: CircuitBreakerConf;
}

export interface MeshCircuitBreakerSpec {
  /** Omitted means `{kind: Mesh}`. */
  readonly targetRef?: TargetRef;
  /** Outbound: per destination. */
  readonly to?: readonly CircuitBreakerEntry[];
  /** Inbound: per client (only `kind: Mesh`); validated, not applied. */
  readonly from?: readonly CircuitBreakerEntry[];
}
