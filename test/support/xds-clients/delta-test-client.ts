/**
 * A light delta (incremental) ADS client for tests: records every response and ACKs or NACKs only
 * when told to.
 */
import type * as grpc from '@grpc/grpc-js';
import { decodeResource } from '../../../src/xds/envoy/encode.js';
import { TYPE_URL } from '../../../src/xds/envoy/type-urls.js';
import { newAdsClient, type AdsClient } from './ads-client-proto.js';
import { BARRIER_SECRET_NAME } from './baseline-resources.js';
import { MessageLog } from './message-log.js';

export interface DeltaResponse {
  readonly system_version_info: string;
  readonly type_url: string;
  readonly nonce: string;
  readonly resources: readonly { readonly name: string; readonly version: string; readonly resource: { readonly type_url: string; readonly value: Uint8Array } }[];
  readonly removed_resources: readonly string[];
}

export interface DeltaRequestOptions {
  readonly subscribe?: readonly string[];
  readonly unsubscribe?: readonly string[];
  readonly initialVersions?: Readonly<Record<string, string>>;
  readonly nonce?: string;
  readonly error?: string;
}

export class DeltaTestClient {
  readonly responses = new MessageLog<DeltaResponse>();
  readonly finished: Promise<grpc.StatusObject>;
  private readonly client: AdsClient;
  private readonly call: grpc.ClientDuplexStream<object, Record<string, unknown>>;
  private sentNode = false;

  constructor(
    address: string,
    private readonly node: Record<string, unknown>,
  ) {
    this.client = newAdsClient(address);
    this.call = this.client.DeltaAggregatedResources();
    this.call.on('data', (m: Record<string, unknown>) => this.responses.push(normalise(m)));
    this.finished = new Promise((resolve) => {
      this.call.on('status', (status: grpc.StatusObject) => {
        this.responses.end(new Error(`status ${status.code}: ${status.details}`));
        resolve(status);
      });
    });
    this.call.on('error', () => undefined);
  }

  request(typeUrl: string, options: DeltaRequestOptions = {}): void {
    const message: Record<string, unknown> = {
      type_url: typeUrl,
      resource_names_subscribe: options.subscribe ?? [],
      resource_names_unsubscribe: options.unsubscribe ?? [],
      initial_resource_versions: options.initialVersions ?? {},
      response_nonce: options.nonce ?? '',
    };
    if (!this.sentNode) message.node = this.node;
    if (options.error !== undefined) message.error_detail = { code: 14, message: options.error };
    this.sentNode = true;
    this.call.write(message);
  }

  ack(response: DeltaResponse): void {
    this.request(response.type_url, { nonce: response.nonce });
  }

  nack(response: DeltaResponse, message: string): void {
    this.request(response.type_url, { nonce: response.nonce, error: message });
  }

  nextOf(typeUrl: string, timeoutMs = 5000): Promise<DeltaResponse> {
    return this.responses.next((r) => r.type_url === typeUrl, timeoutMs, `a delta response of ${typeUrl}`);
  }

  /** Everything the server sent since `mark` and before a barrier response (see SotwTestClient.barrier). */
  async barrier(mark: number, timeoutMs = 5000): Promise<DeltaResponse[]> {
    const from = this.responses.mark();
    this.request(TYPE_URL.secret, { unsubscribe: [BARRIER_SECRET_NAME] });
    this.request(TYPE_URL.secret, { subscribe: [BARRIER_SECRET_NAME] });
    const at = await this.responses.waitFrom(from, (r) => r.type_url === TYPE_URL.secret, timeoutMs, 'the barrier response');
    return this.responses.all.slice(mark, at).filter((r) => r.type_url !== TYPE_URL.secret);
  }

  close(): void {
    this.call.end();
    this.client.close();
  }
}

function normalise(m: Record<string, unknown>): DeltaResponse {
  const r = m as Partial<DeltaResponse>;
  return {
    system_version_info: r.system_version_info ?? '',
    type_url: r.type_url ?? '',
    nonce: r.nonce ?? '',
    resources: r.resources ?? [],
    removed_resources: r.removed_resources ?? [],
  };
}

/** name -> version of the resources in a delta response. */
export function versionsOf(response: DeltaResponse): Record<string, string> {
  return Object.fromEntries(response.resources.map((r) => [r.name, r.version]));
}

export function decodedDeltaResource(response: DeltaResponse, name: string): Record<string, unknown> | undefined {
  const found = response.resources.find((r) => r.name === name);
  return found === undefined ? undefined : decodeResource(found.resource);
}
