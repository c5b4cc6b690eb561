/**
 * MeshTimeout as Envoy fields (Kuma's configurer), set only where a MeshTimeout applies and only
 * for the fields its merged conf sets:
 * - cluster: `connect_timeout` (connectionTimeout); for HTTP-like ports the upstream
 *   HttpProtocolOptions `common_http_protocol_options` idle_timeout, max_stream_duration,
 *   max_connection_duration;
 * - sidecar listener: HCM `stream_idle_timeout` and `request_headers_timeout`, or the TcpProxy's
 *   `idle_timeout` on a TCP port;
 * - sidecar route: `timeout` (requestTimeout);
 * - proxyless route: `max_stream_duration` {max_stream_duration, grpc_timeout_header_max}, which
 *   gRPC's client applies as the call's deadline (it caps a longer one): requestTimeout, else
 *   http.maxStreamDuration. gRPC reads nothing else of a MeshTimeout; `0s` means no limit there.
 */
import type { EnvoyObject } from '../../envoy/encode.js';
import { durationMs } from '../../../core/duration.js';
import type { TimeoutConf } from '../../../resources/mesh-timeout/types.js';

/** A google.protobuf.Duration for a number of milliseconds. */
export function durationOf(ms: number): EnvoyObject {
  const whole = Math.floor(ms / 1000);
  const rounded = Math.round((ms - whole * 1000) * 1e6);
  // A fraction that rounds up to a whole second carries into the seconds: nanos must stay below
  // 1e9, or Envoy rejects the Duration.
  const seconds = rounded >= 1e9 ? whole + 1 : whole;
  const nanos = rounded >= 1e9 ? rounded - 1e9 : rounded;
  if (nanos === 0) return { seconds };
  return seconds === 0 ? { nanos } : { seconds, nanos };
}

const ms = (d: string | undefined): number | undefined => (d === undefined ? undefined : durationMs(d));

/** What a cluster takes from the merged MeshTimeout of its destination port. */
export interface ClusterTimeouts {
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxStreamDurationMs?: number;
  readonly maxConnectionDurationMs?: number;
}

export function clusterTimeoutsOf(conf: TimeoutConf | undefined): ClusterTimeouts {
  if (conf === undefined) return {};
  const out: Record<string, number> = {};
  const set = (k: keyof ClusterTimeouts, v: number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('connectTimeoutMs', ms(conf.connectionTimeout));
  set('idleTimeoutMs', ms(conf.idleTimeout));
  set('maxStreamDurationMs', ms(conf.http?.maxStreamDuration));
  set('maxConnectionDurationMs', ms(conf.http?.maxConnectionDuration));
  return out;
}

/** `common_http_protocol_options` for an HTTP-like cluster, or undefined when nothing is set. */
export function commonHttpProtocolOptions(t: ClusterTimeouts): EnvoyObject | undefined {
  const out: Record<string, EnvoyObject> = {};
  if (t.idleTimeoutMs !== undefined) out.idle_timeout = durationOf(t.idleTimeoutMs);
  if (t.maxStreamDurationMs !== undefined) out.max_stream_duration = durationOf(t.maxStreamDurationMs);
  if (t.maxConnectionDurationMs !== undefined) out.max_connection_duration = durationOf(t.maxConnectionDurationMs);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Sidecar HCM fields. */
export function hcmTimeouts(conf: TimeoutConf | undefined): EnvoyObject {
  const out: Record<string, EnvoyObject> = {};
  const idle = ms(conf?.http?.streamIdleTimeout);
  const headers = ms(conf?.http?.requestHeadersTimeout);
  if (idle !== undefined) out.stream_idle_timeout = durationOf(idle);
  if (headers !== undefined) out.request_headers_timeout = durationOf(headers);
  return out;
}

/** Sidecar TcpProxy fields. */
export function tcpProxyTimeouts(conf: TimeoutConf | undefined): EnvoyObject {
  const idle = ms(conf?.idleTimeout);
  return idle === undefined ? {} : { idle_timeout: durationOf(idle) };
}

/** Sidecar RouteAction fields. */
export function sidecarRouteTimeouts(conf: TimeoutConf | undefined): EnvoyObject {
  const request = ms(conf?.http?.requestTimeout);
  return request === undefined ? {} : { timeout: durationOf(request) };
}

/** The deadline gRPC's client takes from a route; undefined when none is set or it is 0. */
export function proxylessDeadlineMs(conf: TimeoutConf | undefined): number | undefined {
  const value = ms(conf?.http?.requestTimeout) ?? ms(conf?.http?.maxStreamDuration);
  return value === undefined || value <= 0 ? undefined : value;
}

/** Proxyless RouteAction fields. */
export function proxylessRouteTimeouts(conf: TimeoutConf | undefined): EnvoyObject {
  const deadline = proxylessDeadlineMs(conf);
  if (deadline === undefined) return {};
  return { max_stream_duration: { max_stream_duration: durationOf(deadline), grpc_timeout_header_max: durationOf(deadline) } };
}
