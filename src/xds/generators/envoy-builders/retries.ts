/**
 * MeshRetry as an Envoy RetryPolicy (Kuma's configurer): the `http` block for http/http2 ports,
 * the `grpc` block for grpc ports and for every route of a proxyless gRPC client; `tcp` becomes
 * the TcpProxy's max_connect_attempts. Kuma's defaults: retry_on `gateway-error,connect-failure,
 * refused-stream` (HTTP) or `cancelled,connect-failure,gateway-error,refused-stream,reset,
 * resource-exhausted,unavailable` (gRPC); numRetries 0 means no retries. Status codes in HTTP
 * retryOn become retriable_status_codes (+ `retriable-status-codes`), HttpMethod* items become
 * `:method` retriable request headers.
 * A back-off always gets a base interval (Envoy and gRPC both refuse one without; default 25ms,
 * never above the max interval), so a MeshRetry that sets only maxInterval is still accepted.
 * Host selection predicates need Envoy extensions Meshplane does not send; they are left out.
 */
import type { EnvoyObject } from '../../envoy/encode.js';
import { headerMatcher } from './route-match.js';
import { durationMs } from '../../../core/duration.js';
import { type BackOff, GRPC_RETRY_ON, type GrpcRetry, HTTP_RETRY_ON, type HttpRetry, type RateLimitedBackOff } from '../../../resources/mesh-retry/types.js';
import { durationOf } from './timeouts.js';

export const HTTP_RETRY_ON_DEFAULT = 'gateway-error,connect-failure,refused-stream';
export const GRPC_RETRY_ON_DEFAULT = 'cancelled,connect-failure,gateway-error,refused-stream,reset,resource-exhausted,unavailable';
const DEFAULT_BASE_INTERVAL_MS = 25;

function backOff(b: BackOff): EnvoyObject {
  const max = b.maxInterval === undefined ? undefined : durationMs(b.maxInterval);
  let base = b.baseInterval === undefined ? DEFAULT_BASE_INTERVAL_MS : durationMs(b.baseInterval);
  if (max !== undefined && max < base) base = max;
  return { base_interval: durationOf(base), ...(max === undefined ? {} : { max_interval: durationOf(max) }) };
}

function rateLimited(r: RateLimitedBackOff): EnvoyObject {
  return {
    reset_headers: (r.resetHeaders ?? []).map((h) => ({ name: h.name ?? '', format: h.format === 'UnixTimestamp' ? 'UNIX_TIMESTAMP' : 'SECONDS' })),
    ...(r.maxInterval === undefined ? {} : { max_interval: durationOf(durationMs(r.maxInterval)) }),
  };
}

function common(conf: HttpRetry | GrpcRetry, retryOn: string): Record<string, unknown> | undefined {
  if (conf.numRetries === 0) return undefined;
  return {
    retry_on: retryOn,
    ...(conf.numRetries === undefined ? {} : { num_retries: { value: conf.numRetries } }),
    ...(conf.perTryTimeout === undefined ? {} : { per_try_timeout: durationOf(durationMs(conf.perTryTimeout)) }),
    ...(conf.backOff === undefined ? {} : { retry_back_off: backOff(conf.backOff) }),
    ...(conf.rateLimitedBackOff === undefined ? {} : { rate_limited_retry_back_off: rateLimited(conf.rateLimitedBackOff) }),
  };
}

export function grpcRetryPolicy(conf: GrpcRetry | undefined): EnvoyObject | undefined {
  if (conf === undefined) return undefined;
  const names = (conf.retryOn ?? []).map((i) => GRPC_RETRY_ON[String(i)]).filter((v): v is string => v !== undefined);
  return common(conf, names.length > 0 ? names.join(',') : GRPC_RETRY_ON_DEFAULT);
}

export function httpRetryPolicy(conf: HttpRetry | undefined): EnvoyObject | undefined {
  if (conf === undefined) return undefined;
  const retryOn: string[] = [];
  const codes: number[] = [];
  const methods: string[] = [];
  for (const item of conf.retryOn ?? []) {
    const text = String(item);
    if (/^[+-]?\d+$/.test(text)) codes.push(Number(text));
    else if (text.startsWith('HttpMethod')) methods.push(HTTP_RETRY_ON[text] ?? text);
    else if (HTTP_RETRY_ON[text] !== undefined) retryOn.push(HTTP_RETRY_ON[text]);
  }
  let on = retryOn.length > 0 ? retryOn.join(',') : HTTP_RETRY_ON_DEFAULT;
  if (codes.length > 0 && !on.split(',').includes('retriable-status-codes')) on = `${on},retriable-status-codes`;
  const base = common(conf, on);
  if (base === undefined) return undefined;
  const requestHeaders = [...methods.map((m) => ({ name: ':method', string_match: { exact: m } })), ...(conf.retriableRequestHeaders ?? []).map(headerMatcher)];
  const responseHeaders = (conf.retriableResponseHeaders ?? []).map(headerMatcher);
  return {
    ...base,
    ...(codes.length > 0 ? { retriable_status_codes: codes } : {}),
    ...(requestHeaders.length > 0 ? { retriable_request_headers: requestHeaders } : {}),
    ...(responseHeaders.length > 0 ? { retriable_headers: responseHeaders } : {}),
    ...(conf.hostSelectionMaxAttempts === undefined ? {} : { host_selection_retry_max_attempts: conf.hostSelectionMaxAttempts }),
  };
}
