/**
 * The error catalogue. Every error Meshplane raises on purpose is one of these classes, each with
 * a stable code (never reused) listed in docs/errors.md; a test keeps the two in step.
 * The REST layer maps them to HTTP statuses in one place (src/api/problem.ts).
 */
import { describeKey, type ResourceKey } from './resource.js';
import type { Violation } from './violations.js';

export abstract class MeshplaneError extends Error {
  abstract readonly code: string;
  /** Whether trying the same call again later may succeed. */
  readonly retryable: boolean = false;
}

/** A resource asked for by key does not exist. */
export class ResourceNotFoundError extends MeshplaneError {
  readonly code = 'MP_ERR_NOT_FOUND';
  constructor(readonly key: ResourceKey) {
    super(`${describeKey(key)} not found`);
  }
}

/** Create of a resource whose key is already taken. */
export class ResourceAlreadyExistsError extends MeshplaneError {
  readonly code = 'MP_ERR_ALREADY_EXISTS';
  constructor(readonly key: ResourceKey) {
    super(`${describeKey(key)} already exists`);
  }
}

/** An update or delete carried a version that is no longer the stored one. */
export class ResourceConflictError extends MeshplaneError {
  readonly code = 'MP_ERR_CONFLICT';
  override readonly retryable = true;
  constructor(
    readonly key: ResourceKey,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`${describeKey(key)} was changed by someone else (version ${expectedVersion} is stale, current is ${actualVersion})`);
  }
}

/** The body of a write breaks one or more rules; every violation is listed. */
export class ValidationError extends MeshplaneError {
  readonly code = 'MP_ERR_INVALID';
  constructor(
    readonly violations: readonly Violation[],
    message = 'Resource is not valid',
  ) {
    super(message);
  }
}

/** The mesh named by a mesh-scoped request does not exist. */
export class MeshNotFoundError extends MeshplaneError {
  readonly code = 'MP_ERR_MESH_NOT_FOUND';
  constructor(readonly mesh: string) {
    super(`mesh '${mesh}' does not exist`);
  }
}

/** A write to a kind (or a copy) that this control plane does not own: synced or global-only. */
export class ReadOnlyResourceError extends MeshplaneError {
  readonly code = 'MP_ERR_READ_ONLY';
  constructor(message: string) {
    super(message);
  }
}

/** A type name, REST plural or CLI name that names no kind. */
export class UnknownKindError extends MeshplaneError {
  readonly code = 'MP_ERR_UNKNOWN_KIND';
  constructor(readonly kind: string) {
    super(`unknown kind '${kind}'`);
  }
}

/** A request body larger than the configured limit. */
export class BodyTooLargeError extends MeshplaneError {
  readonly code = 'MP_ERR_BODY_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`request body is larger than the limit of ${limitBytes} bytes`);
  }
}

/** A resource that still has dependants cannot be deleted (a Mesh with resources in it). */
export class ResourceInUseError extends MeshplaneError {
  readonly code = 'MP_ERR_IN_USE';
  constructor(message: string) {
    super(message);
  }
}

/** Configuration given at start-up that cannot work; the message names the flag. */
export class ConfigError extends MeshplaneError {
  readonly code = 'MP_ERR_CONFIG';
  constructor(message: string) {
    super(message);
  }
}

/** Every error class, for the docs drift test. */
export const ERROR_CODES: readonly string[] = [
  'MP_ERR_NOT_FOUND',
  'MP_ERR_ALREADY_EXISTS',
  'MP_ERR_CONFLICT',
  'MP_ERR_INVALID',
  'MP_ERR_MESH_NOT_FOUND',
  'MP_ERR_READ_ONLY',
  'MP_ERR_UNKNOWN_KIND',
  'MP_ERR_BODY_TOO_LARGE',
  'MP_ERR_IN_USE',
  'MP_ERR_CONFIG',
];
