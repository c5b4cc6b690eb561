/**
 * The KDS gRPC service (proto/kds.proto), loaded once with @grpc/proto-loader, and the message
 * shapes as plain objects (proto field names, unset fields absent). Also the JSON codec for the
 * resources the messages carry, and the channel/server options both ends share.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { isPlainObject } from '../core/schema.js';
import type { NewResource } from '../core/resource.js';

export interface HelloMessage {
  readonly zone?: string;
  readonly instance?: string;
  readonly version?: string;
  readonly flat_network?: boolean;
}

export interface SyncMessage {
  readonly hello?: HelloMessage;
  readonly welcome?: { readonly instance?: string; readonly version?: string };
  readonly full_start?: { readonly types?: readonly string[] };
  readonly batch?: { readonly resources?: readonly string[] };
  readonly full_end?: { readonly count?: number };
  readonly change?: { readonly deleted?: boolean; readonly resource?: string };
}

export const KDS_PROTOCOL_VERSION = 'meshplane-kds-v1';
/** Largest message either end accepts or sends; full syncs are cut into batches well below it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Resources per batch stop growing past this many characters of JSON. */
export const BATCH_CHARS = 1024 * 1024;

/** Keepalive pings find a dead peer (a zone that vanished, a partitioned global) within ~40 s. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

export type ZoneSyncClient = grpc.Client & {
  Sync(options?: grpc.CallOptions): grpc.ClientDuplexStream<SyncMessage, SyncMessage>;
};

interface LoadedService {
  readonly service: grpc.ServiceDefinition;
  readonly Client: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => ZoneSyncClient;
}

let loaded: LoadedService | undefined;

/** The ZoneSync service definition and client constructor, loaded on first use. */
export function zoneSyncService(): LoadedService {
  if (loaded) return loaded;
  const definition = loadSync(protoPath(), { keepCase: true, longs: Number, enums: String, defaults: false, arrays: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    meshplane: { kds: { v1: { ZoneSync: grpc.ServiceClientConstructor } } };
  };
  const ctor = pkg.meshplane.kds.v1.ZoneSync;
  loaded = { service: ctor.service, Client: ctor as unknown as LoadedService['Client'] };
  return loaded;
}

/** src/kds/proto/kds.proto, found from src (tsx) or from dist/src (compiled). */
function protoPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const beside = join(dir, 'proto', 'kds.proto');
  if (existsSync(beside)) return beside;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'src', 'kds', 'proto', 'kds.proto');
}

/** A resource as JSON text, keys sorted, so equal resources give equal text. */
export function encodeResource(r: NewResource): string {
  const plain: Record<string, unknown> = { type: r.type, mesh: r.mesh, name: r.name, labels: r.labels, spec: r.spec };
  if (r.status !== undefined) plain.status = r.status;
  return JSON.stringify(sortKeys(plain));
}

/** Parses what the other side sent; undefined (with the reason in `problem`) when it is not a resource. */
export function decodeResource(text: string): { resource?: NewResource; problem?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  if (!isPlainObject(v)) return { problem: 'not an object' };
  const { type, mesh, name, labels, spec, status } = v;
  if (typeof type !== 'string' || typeof mesh !== 'string' || typeof name !== 'string' || name === '') {
    return { problem: 'type, mesh and name must be strings' };
  }
  if (!isPlainObject(labels) || !Object.values(labels).every((l) => typeof l === 'string')) return { problem: 'labels must be a map of strings' };
  const resource: NewResource = { type, mesh, name, labels: labels as Record<string, string>, spec: spec ?? {} };
  return { resource: status === undefined ? resource : { ...resource, status } };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
