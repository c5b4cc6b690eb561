/**
 * The name a resource gets when it is synced to another control plane (semantics 7.1, Kuma's
 * `hash.HashedName`): `<name>-<16 chars>`, where the 16 characters encode the FNV-1a 64-bit hash
 * of mesh + name + the extra values (zone, namespace), concatenated without separators.
 *
 * Encoding: the 8-byte digest is written big-endian as 16 lowercase hex characters, and each hex
 * character c becomes ALPHANUMS[charCode(c) % 27] (Kubernetes `rand.SafeEncodeString`), so the
 * suffix never spells words and contains no vowels.
 *
 * Length (the one deliberate difference from Kuma): Kuma keeps the first 236 characters of the name
 * so the result fits 253; a MeshService's synced name must stay a DNS label (kuma#9343), so for
 * those kinds the limit is 63. The rule, for a limit L:
 *   - the name is cut to its first L - 17 characters (17 = "-" plus the 16-character suffix);
 *   - nothing else changes: the hash is always computed over the FULL, uncut name (and mesh,
 *     zone, namespace), so two different inputs that cut to the same prefix still differ in their
 *     suffix, unless FNV-1a 64 itself collides.
 * Names whose result already fits (every name up to L - 17 characters) come out exactly as in
 * Kuma, which is what the fixture and the reference vectors pin.
 */

/** Kuma's (Kubernetes') limit for resource names. */
export const RESOURCE_NAME_LIMIT = 253;
/** A DNS label: the limit for kinds whose name becomes part of a hostname. */
export const DNS_LABEL_LIMIT = 63;
/** "-" plus 16 encoded characters. */
export const HASH_SUFFIX_LENGTH = 17;

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-8 bytes of the text. */
export function fnv1a64(text: string): bigint {
  let h = FNV64_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV64_PRIME) & MASK64;
  }
  return h;
}

/** The 16-character suffix for these values (no separators between them). */
export function hashSuffix(values: readonly string[]): string {
  return safeEncode(fnv1a64(values.join('')).toString(16).padStart(16, '0'));
}

/** Kubernetes' `SafeEncodeString`: each character c becomes ALPHANUMS[charCode(c) % 27]. */
export function safeEncode(text: string): string {
  let out = '';
  for (const c of text) out += ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

export interface HashedNameOptions {
  /** The longest result allowed; RESOURCE_NAME_LIMIT (Kuma's) unless the name is a DNS label. */
  readonly maxLength?: number;
}

/**
 * `hashedName(mesh, name, extras)`: extras are the values that are present, in order (for
 * MeshService: the `kuma.io/zone` value, then the `k8s.kuma.io/namespace` value).
 */
export function hashedName(mesh: string, name: string, extras: readonly string[] = [], options: HashedNameOptions = {}): string {
  const limit = options.maxLength ?? RESOURCE_NAME_LIMIT;
  if (limit <= HASH_SUFFIX_LENGTH) throw new RangeError(`maxLength must be more than ${HASH_SUFFIX_LENGTH}; got ${limit}`);
  const prefix = name.length > limit - HASH_SUFFIX_LENGTH ? name.slice(0, limit - HASH_SUFFIX_LENGTH) : name;
  return `${prefix}-${hashSuffix([mesh, name, ...extras])}`;
}
