/** MeshRetry: when and how often failed TCP connections, HTTP requests and gRPC calls are retried. */
import type { HeaderMatch } from '../shared/header-match.js';
import type { TargetRef } from '../shared/target-ref.js';

/**
 * HTTP `retryOn` names and the Envoy `retry_on` value each becomes. Kuma's code accepts only `5xx`
 * while its docs and CRD examples write `5XX`; Meshplane accepts both (Kuma refuses `5XX`).
 * Any HTTP status code with a standard reason phrase ("503", or 503 in YAML) is also accepted.
 */
export const HTTP_RETRY_ON: Readonly<Record<string, string>> = {
  '5xx': '5xx',
  '5XX': '5xx',
  GatewayError: 'gateway-error',
  Reset: 'reset',
  Retriable4xx: 'retriable-4xx',
  ConnectFailure: 'connect-failure',
  EnvoyRatelimited: 'envoy-ratelimited',
  RefusedStream: 'refused-stream',
  Http3PostConnectFailure: 'http3-post-connect-failure',
  HttpMethodConnect: 'CONNECT',
  HttpMethodDelete: 'DELETE',
  HttpMethodGet: 'GET',
  HttpMethodHead: 'HEAD',
  HttpMethodOptions: 'OPTIONS',
  HttpMethodPatch: 'PATCH',
  HttpMethodPost: 'POST',
  HttpMethodPut: 'PUT',
  HttpMethodTrace: 'TRACE',
};

export const GRPC_RETRY_ON: Readonly<Record<string, string>> = {
  // Envoy's and gRPC's spelling (x-envoy-retry-grpc-on, grpc-js-xds RETRY_CODES).
  Canceled: 'cancelled',
  DeadlineExceeded: 'deadline-exceeded',
  Internal: 'internal',
  ResourceExhausted: 'resource-exhausted',
  Unavailable: 'unavailable',
};

export const HOST_SELECTION_PREDICATES = ['OmitPreviousHosts', 'OmitHostsWithTags', 'OmitPreviousPriorities'] as const;

export interface BackOff {
  /** Default 25ms. */
  readonly baseInterval?: string;
  /** Default 10 × baseInterval. */
  readonly maxInterval?: string;
}

export interface RateLimitedBackOff {
  readonly resetHeaders?: readonly { readonly name?: string; readonly format?: 'Seconds' | 'UnixTimestamp' }[];
  readonly maxInterval?: string;
}

export interface HostSelectionPredicate {
  readonly predicate?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly updateFrequency: number;
}

export interface HttpRetry {
  readonly numRetries?: number;
  readonly perTryTimeout?: string;
  readonly backOff?: BackOff;
  readonly rateLimitedBackOff?: RateLimitedBackOff;
  /** Names from HTTP_RETRY_ON, or status codes (a number when written unquoted in YAML). */
  readonly retryOn?: readonly (string | number)[];
  readonly retriableResponseHeaders?: readonly HeaderMatch[];
  readonly retriableRequestHeaders?: readonly HeaderMatch[];
  readonly hostSelection?: readonly HostSelectionPredicate[];
  readonly hostSelectionMaxAttempts?: number;
}

export interface GrpcRetry {
  readonly numRetries?: number;
  readonly perTryTimeout?: string;
  readonly backOff?: BackOff;
  readonly rateLimitedBackOff?: RateLimitedBackOff;
  readonly retryOn?: readonly (string | number)[];
}

export interface RetryConf {
  readonly tcp?: { readonly maxConnectAttempt?: number };
  readonly http?: HttpRetry;
  readonly grpc?: GrpcRetry;
}

export interface MeshRetrySpec {
  /** Omitted means `{kind: Mesh}`. */
  readonly targetRef?: TargetRef;
  readonly to?: readonly { readonly targetRef?: TargetRef; readonly default?: RetryConf }[];
}
