/** MeshTCPRoute: where TCP connections to a destination go (Kuma 2.x). */
import type { BackendRef, TargetRef } from '../shared/target-ref.js';

export interface TcpRule {
  readonly default?: { readonly backendRefs?: readonly BackendRef[] };
}

export interface TcpRouteTo {
  readonly targetRef?: TargetRef;
  /** At most one: without matches a second rule could never apply. */
  readonly rules?: readonly TcpRule[];
}

export interface MeshTcpRouteSpec {
  /** Omitted means `{kind: Mesh}`. */
  readonly targetRef?: TargetRef;
  readonly to?: readonly TcpRouteTo[];
}
