/**
 * One light ADS stream for benchmarks, on @grpc/grpc-js with the Envoy protos loaded by
 * @grpc/proto-loader (independently of the server's protobufjs loader). It subscribes to LDS and
 * CDS as wildcards and to EDS and RDS with an explicit `*` (so it never has to decode a resource
 * to learn names, which a real Envoy does at the cost of one more round trip per type), ACKs every
 * response at once, and records for each response its arrival time, its size on the wire (the
 * serialized DiscoveryResponse) and how many resources it carried or removed.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../../test/support/xds-clients/ads-client-proto.js';

export const TYPES = {
  cds: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  eds: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  lds: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  rds: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;
export type TypeKey = keyof typeof TYPES;
export const TYPE_KEYS = Object.keys(TYPES) as TypeKey[];
const KEY_OF_URL = new Map<string, TypeKey>(TYPE_KEYS.map((k) => [TYPES[k], k]));

export type Protocol = 'sotw' | 'delta';

export interface Received {
  readonly type: TypeKey;
  /** Epoch ms (performance.timeOrigin + now), comparable across processes of this machine. */
  readonly at: number;
  readonly bytes: number;
  readonly resources: number;
  readonly removed: number;
  /** Names of the resources it carried, only while the stream captures names. */
  readonly names?: readonly string[];
}

interface MethodDef {
  readonly path: string;
  readonly requestSerialize: (m: object) => Buffer;
  readonly responseDeserialize: (b: Buffer) => Record<string, unknown>;
}

let methods: { sotw: MethodDef; delta: MethodDef } | undefined;

function adsMethods(): { sotw: MethodDef; delta: MethodDef } {
  if (methods) return methods;
  const service = adsServiceDefinition() as unknown as Record<string, MethodDef>;
  methods = { sotw: service.StreamAggregatedResources as MethodDef, delta: service.DeltaAggregatedResources as MethodDef };
  return methods;
}

/** Wire size of each decoded response, kept beside it (grpc-js may decode ahead of 'data'). */
const sizes = new WeakMap<object, number>();

export const epochNow = (): number => performance.timeOrigin + performance.now();

export class AdsBenchStream {
  readonly received: Received[] = [];
  openedAt = 0;
  ended: string | undefined;
  private readonly call: grpc.ClientDuplexStream<object, Record<string, unknown>>;
  private sentNode = false;
  /** Called after each response has been recorded. */
  onResponse: (r: Received) => void = () => undefined;
  /** Record resource names of each response (read from the encoded bytes; costs a little per resource). */
  captureNames = false;

  constructor(
    client: grpc.Client,
    readonly nodeId: string,
    readonly protocol: Protocol,
  ) {
    const m = adsMethods()[protocol];
    const deserialize = (b: Buffer): Record<string, unknown> => {
      const message = m.responseDeserialize(b);
      sizes.set(message, b.length);
      return message;
    };
    this.call = client.makeBidiStreamRequest(m.path, m.requestSerialize, deserialize);
    this.call.on('data', (msg: Record<string, unknown>) => this.onData(msg, sizes.get(msg) ?? 0));
    this.call.on('error', (err: Error) => (this.ended = err.message));
    this.call.on('end', () => (this.ended ??= 'ended'));
  }

  /** Opens the subscriptions: LDS/CDS wildcard, EDS/RDS `*`. */
  start(): void {
    this.openedAt = epochNow();
    for (const k of TYPE_KEYS) this.request(TYPES[k], k === 'eds' || k === 'rds' ? ['*'] : [], '', '');
  }

  close(): void {
    this.call.end();
  }

  private onData(msg: Record<string, unknown>, bytes: number): void {
    const at = epochNow();
    const typeUrl = String(msg.type_url ?? '');
    const type = KEY_OF_URL.get(typeUrl);
    const nonce = String(msg.nonce ?? '');
    const resources = Array.isArray(msg.resources) ? msg.resources.length : 0;
    const removed = Array.isArray(msg.removed_resources) ? msg.removed_resources.length : 0;
    // ACK first, as a proxy would once the config is applied.
    if (this.protocol === 'sotw') this.request(typeUrl, type === 'eds' || type === 'rds' ? ['*'] : [], String(msg.version_info ?? ''), nonce);
    else this.request(typeUrl, [], '', nonce);
    if (type === undefined) return;
    const names = this.captureNames && Array.isArray(msg.resources) ? msg.resources.map(nameOfResource) : undefined;
    const r: Received = { type, at, bytes, resources, removed, ...(names ? { names } : {}) };
    this.received.push(r);
    this.onResponse(r);
  }

  private request(typeUrl: string, names: readonly string[], version: string, nonce: string): void {
    const message: Record<string, unknown> =
      this.protocol === 'sotw'
        ? { type_url: typeUrl, resource_names: names, version_info: version, response_nonce: nonce }
        : { type_url: typeUrl, resource_names_subscribe: nonce === '' ? names : [], response_nonce: nonce };
    if (!this.sentNode) message.node = { id: this.nodeId, cluster: 'bench', user_agent_name: 'meshplane-bench', locality: {} };
    this.sentNode = true;
    this.call.write(message);
  }
}

/** A delta resource's name, or field 1 (`name` / `cluster_name` of every xDS type) of an Any's bytes. */
function nameOfResource(resource: unknown): string {
  const r = resource as { name?: string; value?: Uint8Array; resource?: { value?: Uint8Array } };
  if (typeof r.name === 'string' && r.name !== '') return r.name;
  return firstStringField(r.value ?? r.resource?.value ?? new Uint8Array()) ?? '';
}

function firstStringField(bytes: Uint8Array): string | undefined {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++] ?? 0;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0 || pos >= bytes.length) return result;
      shift += 7;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      if (field === 1) return Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8');
      pos += len;
    } else if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else return undefined;
  }
  return undefined;
}
