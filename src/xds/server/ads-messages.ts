/**
 * The ADS messages as the server handles them: plain objects with proto field names, decoded with
 * protobufjs (defaults left out, so an unset field is undefined).
 */
import type { EncodedAny } from '../envoy/encode.js';

/** envoy.config.core.v3.Node, as far as the server reads it; the rest is passed through. */
export interface NodeInfo {
  readonly id?: string;
  readonly cluster?: string;
  readonly user_agent_name?: string;
  readonly [field: string]: unknown;
}

export interface RpcStatus {
  readonly code?: number;
  readonly message?: string;
}

export interface DiscoveryRequest {
  readonly version_info?: string;
  readonly node?: NodeInfo;
  readonly resource_names?: readonly string[];
  readonly type_url?: string;
  readonly response_nonce?: string;
  readonly error_detail?: RpcStatus;
}

export interface DiscoveryResponse {
  readonly version_info: string;
  readonly resources: readonly EncodedAny[];
  readonly type_url: string;
  readonly nonce: string;
}

export interface DeltaDiscoveryRequest {
  readonly node?: NodeInfo;
  readonly type_url?: string;
  readonly resource_names_subscribe?: readonly string[];
  readonly resource_names_unsubscribe?: readonly string[];
  readonly initial_resource_versions?: Readonly<Record<string, string>>;
  readonly response_nonce?: string;
  readonly error_detail?: RpcStatus;
}

export interface DeltaResource {
  readonly name: string;
  readonly version: string;
  readonly resource: EncodedAny;
}

export interface DeltaDiscoveryResponse {
  readonly system_version_info: string;
  readonly resources: readonly DeltaResource[];
  readonly type_url: string;
  readonly removed_resources: readonly string[];
  readonly nonce: string;
}
