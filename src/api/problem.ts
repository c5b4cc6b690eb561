/**
 * The one place where errors become HTTP answers: Kuma's problem JSON (`type: /std-errors`),
 * key order as Kuma writes it, including the deprecated `details`/`causes` kept for its clients.
 * Routes say what they were doing (the title); this file decides status and body.
 */
import {
  BodyTooLargeError,
  MeshNotFoundError,
  ReadOnlyResourceError,
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceInUseError,
  ResourceNotFoundError,
  UnknownKindError,
  ValidationError,
} from '../core/errors.js';

export interface Problem {
  readonly type: '/std-errors';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly invalid_parameters?: readonly { readonly field: string; readonly reason: string }[];
  readonly details: string;
  readonly causes?: readonly { readonly field: string; readonly message: string }[];
}

/** An error raised while a route was doing `title` (Kuma's "Could not retrieve a resource"...). */
export class TitledError extends Error {
  constructor(
    readonly title: string,
    override readonly cause: unknown,
  ) {
    super(`${title}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Runs `work`; any failure carries `title` to the error handler. */
export async function titled<T>(title: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof TitledError ? err : new TitledError(title, err);
  }
}

export function problem(
  status: number,
  title: string,
  detail: string,
  violations: readonly { readonly field: string; readonly message: string }[] = [],
): Problem {
  if (violations.length === 0) return { type: '/std-errors', status, title, detail, details: detail };
  return {
    type: '/std-errors',
    status,
    title,
    detail,
    invalid_parameters: violations.map((v) => ({ field: v.field, reason: v.message })),
    details: detail,
    causes: violations.map((v) => ({ field: v.field, message: v.message })),
  };
}

/** Fastify's own errors carry a code and a status (body too large, aborted request...). */
interface HttpLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

/**
 * Maps any thrown value to a problem. `fallbackTitle` is used when the error was not raised
 * inside a `titled` block. `bodyLimitBytes` names the limit in 413 answers.
 */
export function problemFor(thrown: unknown, fallbackTitle: string, bodyLimitBytes: number): Problem {
  const title = thrown instanceof TitledError ? thrown.title : fallbackTitle;
  const err = thrown instanceof TitledError ? thrown.cause : thrown;
  if (err instanceof MeshNotFoundError) return problem(404, 'Failed to retrieve Mesh', 'Not found');
  if (err instanceof ResourceNotFoundError) return problem(404, title, 'Not found');
  if (err instanceof UnknownKindError) return problem(404, title, `${err.message}: no resource type has this path`);
  if (err instanceof ValidationError) return problem(400, title, err.message, err.violations);
  if (err instanceof ReadOnlyResourceError) return problem(405, 'Method not allowed', err.message);
  if (err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError) return problem(409, 'Conflict', err.message);
  if (err instanceof ResourceInUseError) return problem(409, title, err.message);
  if (err instanceof BodyTooLargeError) return problem(413, 'Payload Too Large', err.message);
  const http = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
  if (http.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return problemFor(new BodyTooLargeError(bodyLimitBytes), title, bodyLimitBytes);
  }
  const status = typeof http.statusCode === 'number' ? http.statusCode : 500;
  if (status >= 400 && status < 500) return problem(status, 'Bad Request', String(http.message ?? 'bad request'));
  return problem(500, title, 'Internal Server Error');
}

/** 404 for a path that names no route (Kuma answers a bare 404 page; we answer problem JSON). */
export function routeNotFound(detail: string): Problem {
  return problem(404, 'Not found', detail);
}
