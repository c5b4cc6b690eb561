/** MeshTimeout: connection, idle and HTTP timeouts between services (Kuma 2.x, `to` and `from`). */
import type { TargetRef } from '../shared/target-ref.js';

/** Go durations such as `10s` or `1m30s`; `0s` turns a timeout off (except connectionTimeout). */
export type Duration = string;

export interface HttpTimeouts {
  readonly requestTimeout?: Duration;
  readonly streamIdleTimeout?: Duration;
  readonly maxStreamDuration?: Duration;
  readonly maxConnectionDuration?: Duration;
  readonly requestHeadersTimeout?: Duration;
}

export interface TimeoutConf {
  readonly connectionTimeout?: Duration;
  readonly idleTimeout?: Duration;
  readonly http?: HttpTimeouts;
}

export interface TimeoutEntry {
  readonly targetRef?: TargetRef;
  readonly default?: TimeoutConf;
}

export interface MeshTimeoutSpec {
  /** Omitted means `{kind: Mesh}`. */
  readonly targetRef?: TargetRef;
  /** Outbound: per destination. */
  readonly to?: readonly TimeoutEntry[];
  /** Inbound: per client (only `kind: Mesh`). */
  readonly from?: readonly TimeoutEntry[];
}
