/**
 * Splits one delta update of a type into DeltaDiscoveryResponses that each stay under a byte limit.
 * Delta xDS allows this: every DeltaDiscoveryResponse is an independent update that the client
 * applies and ACKs (or NACKs) by its own nonce, so several responses for one type are the same
 * update as one. State of the world cannot be split: an LDS or CDS response is the whole set.
 *
 * Packing is greedy and keeps order: removed_resources first (so they go in the first response
 * when they fit), then the resources. A single resource larger than the limit goes alone in a
 * response marked oversized; splitting cannot help it.
 */
import type { DeltaResource } from './ads-messages.js';
import { deltaHeaderSize, deltaResourceFieldSize, removedNameFieldSize } from './response-size.js';

export interface DeltaChunk {
  readonly resources: DeltaResource[];
  readonly removed: string[];
  /** The size of the response, with the longest nonce the stream can give (so never below the real one). */
  bytes: number;
}

/** Nonces are a stream's counter as decimal text: at most 16 digits (Number.MAX_SAFE_INTEGER). */
const LONGEST_NONCE = '9'.repeat(16);

/** The responses to send, in order; always at least one (an empty first wildcard response must still go out). */
export function splitDeltaUpdate(
  update: { readonly systemVersion: string; readonly typeUrl: string; readonly resources: readonly DeltaResource[]; readonly removed: readonly string[] },
  maxBytes: number,
): DeltaChunk[] {
  const header = deltaHeaderSize({ system_version_info: update.systemVersion, type_url: update.typeUrl, nonce: LONGEST_NONCE });
  const chunks: DeltaChunk[] = [];
  let current: DeltaChunk = { resources: [], removed: [], bytes: header };
  const isEmpty = (chunk: DeltaChunk): boolean => chunk.resources.length === 0 && chunk.removed.length === 0;
  const room = (size: number): void => {
    if (isEmpty(current) || current.bytes + size <= maxBytes) return;
    chunks.push(current);
    current = { resources: [], removed: [], bytes: header };
  };
  for (const name of update.removed) {
    const size = removedNameFieldSize(name);
    room(size);
    current.removed.push(name);
    current.bytes += size;
  }
  for (const resource of update.resources) {
    const size = deltaResourceFieldSize(resource);
    room(size);
    current.resources.push(resource);
    current.bytes += size;
  }
  chunks.push(current);
  return chunks;
}
