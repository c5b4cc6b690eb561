/**
 * A light state-of-the-world ADS client for tests: records every response and ACKs or NACKs only
 * when told to. Speaks to the server through @grpc/grpc-js and a proto-loader stub.
 */
import type * as grpc from '@grpc/grpc-js';
import { decodeResource } from '../../../src/xds/envoy/encode.js';
import { TYPE_URL } from '../../../src/xds/envoy/type-urls.js';
import { newAdsClient, type AdsClient } from './ads-client-proto.js';
import { BARRIER_SECRET_NAME } from './baseline-resources.js';
import { MessageLog } from './message-log.js';

export interface SotwResponse {
  readonly version_info: string;
  readonly type_url: string;
  readonly nonce: string;
  readonly resources: readonly { readonly type_url: string; readonly value: Uint8Array }[];
}

export interface SotwRequestOptions {
  readonly version?: string;
  readonly nonce?: string;
  /** Makes the request a NACK with this message. */
  readonly error?: string;
}

export class SotwTestClient {
  readonly responses = new MessageLog<SotwResponse>();
  /** The call's final status (OK, or the error the server ended it with). */
  readonly finished: Promise<grpc.StatusObject>;
  private readonly client: AdsClient;
  private readonly call: grpc.ClientDuplexStream<object, Record<string, unknown>>;
  private sentNode = false;

  constructor(
    address: string,
    private readonly node: Record<string, unknown>,
  ) {
    this.client = newAdsClient(address);
    this.call = this.client.StreamAggregatedResources();
    this.call.on('data', (m: Record<string, unknown>) => this.responses.push(m as unknown as SotwResponse));
    this.finished = new Promise((resolve) => {
      this.call.on('status', (status: grpc.StatusObject) => {
        this.responses.end(new Error(`status ${status.code}: ${status.details}`));
        resolve(status);
      });
    });
    this.call.on('error', () => undefined); // the status promise carries the outcome
  }

  /** Sends a DiscoveryRequest; the node goes only in the first one, as real clients do. */
  request(typeUrl: string, names: readonly string[], options: SotwRequestOptions = {}): void {
    const message: Record<string, unknown> = {
      type_url: typeUrl,
      resource_names: names,
      version_info: options.version ?? '',
      response_nonce: options.nonce ?? '',
    };
    if (!this.sentNode) message.node = this.node;
    if (options.error !== undefined) message.error_detail = { code: 14, message: options.error };
    this.sentNode = true;
    this.call.write(message);
  }

  ack(response: SotwResponse, names: readonly string[]): void {
    this.request(response.type_url, names, { version: response.version_info, nonce: response.nonce });
  }

  nack(response: SotwResponse, names: readonly string[], message: string, lastAcceptedVersion = ''): void {
    this.request(response.type_url, names, { version: lastAcceptedVersion, nonce: response.nonce, error: message });
  }

  /** The next response of one type. */
  nextOf(typeUrl: string, timeoutMs = 5000): Promise<SotwResponse> {
    return this.responses.next((r) => r.type_url === typeUrl, timeoutMs, `a response of ${typeUrl}`);
  }

  /** The latest response of one type received so far. */
  latest(typeUrl: string): SotwResponse | undefined {
    return this.responses.all.findLast((r) => r.type_url === typeUrl);
  }

  /**
   * Everything the server sent since `mark` and before a barrier response: the client drops and
   * re-subscribes the barrier Secret (SDS), which the server answers after anything queued before.
   */
  async barrier(mark: number, timeoutMs = 5000): Promise<SotwResponse[]> {
    const nonce = this.latest(TYPE_URL.secret)?.nonce ?? '';
    const from = this.responses.mark();
    this.request(TYPE_URL.secret, [], { nonce });
    this.request(TYPE_URL.secret, [BARRIER_SECRET_NAME], { nonce });
    const at = await this.responses.waitFrom(from, (r) => r.type_url === TYPE_URL.secret, timeoutMs, 'the barrier response');
    return this.responses.all.slice(mark, at).filter((r) => r.type_url !== TYPE_URL.secret);
  }

  close(): void {
    this.call.end();
    this.client.close();
  }
}

/** The resources of a response, decoded to plain objects. */
export function decodedResources(response: { readonly resources: readonly { readonly type_url: string; readonly value: Uint8Array }[] }): Record<string, unknown>[] {
  return response.resources.map((any) => decodeResource(any));
}

/** Resource names in a response (cluster_name for ClusterLoadAssignment). */
export function resourceNames(response: SotwResponse): string[] {
  return decodedResources(response).map((r) => String(r.name ?? r.cluster_name));
}
