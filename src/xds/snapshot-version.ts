/**
 * The version of one resource type in a snapshot: the sum, modulo 2^128, of a digest of every
 * (name, content hash) pair. A sum does not depend on the order entries come in, and it grows by
 * adding: a proxy whose snapshot is a shared layer plus a few resources of its own gets its
 * versions by adding those few digests to the layer's sums, not by hashing every pair again, and
 * the result is the version a flat build of the same content gets. Names are unique within a type,
 * so equal sums mean equal content but for a 2^-128 chance.
 */
import { createHash } from 'node:crypto';

/** 128 bits as four 32-bit lanes, most significant first. */
export type Digest = readonly [number, number, number, number];

export const ZERO_DIGEST: Digest = [0, 0, 0, 0];

/** The digest of one entry: sha256 of its name and content hash, first 128 bits. */
export function entryDigest(name: string, hash: string): Digest {
  const bytes = createHash('sha256').update(name).update('\u0000').update(hash).digest();
  return [bytes.readUInt32BE(0), bytes.readUInt32BE(4), bytes.readUInt32BE(8), bytes.readUInt32BE(12)];
}

/** A sum that digests are added to in place. */
export class DigestSum {
  private readonly lanes: [number, number, number, number];

  constructor(from: Digest = ZERO_DIGEST) {
    this.lanes = [from[0], from[1], from[2], from[3]];
  }

  add(d: Digest): void {
    let carry = 0;
    for (let i = 3; i >= 0; i--) {
      const s = (this.lanes[i] ?? 0) + (d[i] ?? 0) + carry;
      this.lanes[i] = s >>> 0;
      carry = s > 0xffffffff ? 1 : 0;
    }
  }

  get value(): Digest {
    return [this.lanes[0], this.lanes[1], this.lanes[2], this.lanes[3]];
  }
}

/** The sum of two digests. */
export function addDigests(a: Digest, b: Digest): Digest {
  const sum = new DigestSum(a);
  sum.add(b);
  return sum.value;
}

/** The version string of a sum: 32 hex digits. */
export function versionString(d: Digest): string {
  return hex8(d[0]) + hex8(d[1]) + hex8(d[2]) + hex8(d[3]);
}

/** Whether two digests are equal. */
export function sameDigest(a: Digest, b: Digest): boolean {
  return a === b || (a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3]);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

function hex8(lane: number): string {
  return `${HEX_BYTES[lane >>> 24] ?? ''}${HEX_BYTES[(lane >>> 16) & 0xff] ?? ''}${HEX_BYTES[(lane >>> 8) & 0xff] ?? ''}${HEX_BYTES[lane & 0xff] ?? ''}`;
}
