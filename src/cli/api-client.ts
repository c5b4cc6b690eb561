/**
 * The CLI's only way to the control plane: Kuma-style REST over fetch. Error answers (problem
 * JSON) become ApiProblemError; a control plane that does not answer becomes ApiUnreachableError.
 */
import type { KindDescriptor } from '../core/descriptor.js';

export type WireItem = Record<string, unknown>;

export interface InvalidParameter {
  readonly field: string;
  readonly reason: string;
}

/** The control plane answered with an error status; carries Kuma's problem body. */
export class ApiProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly invalidParameters: readonly InvalidParameter[],
  ) {
    super(detail);
  }
}

/** Nothing answered at the API URL (refused, unknown host, timed out). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`no control plane answers at ${url} (${reason}); is "meshplane run" running? Point the CLI elsewhere with --api-url or MESHPLANE_API_URL`);
  }
}

export interface PutResult {
  readonly created: boolean;
  readonly warnings: readonly string[];
}

const TIMEOUT_MS = 30_000;

/** `/meshes/{mesh}/{plural}[/{name}]` for mesh-scoped kinds, `/{plural}[/{name}]` otherwise. */
export function resourcePath(kind: KindDescriptor, mesh: string, name?: string): string {
  const base = kind.scope === 'Mesh' ? `/meshes/${encodeURIComponent(mesh)}/${kind.plural}` : `/${kind.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export class ApiClient {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async getItem(kind: KindDescriptor, mesh: string, name: string): Promise<WireItem> {
    return asItem((await this.request('GET', resourcePath(kind, mesh, name))).body);
  }

  /** Every item of a list, following the envelope's `next` links page by page. */
  async listItems(kind: KindDescriptor, mesh: string): Promise<WireItem[]> {
    const items: WireItem[] = [];
    let path: string | undefined = resourcePath(kind, mesh);
    while (path !== undefined) {
      const page = asItem((await this.request('GET', path)).body);
      if (Array.isArray(page.items)) items.push(...page.items.map(asItem));
      path = typeof page.next === 'string' && page.next !== '' ? this.relative(page.next) : undefined;
    }
    return items;
  }

  async put(kind: KindDescriptor, mesh: string, name: string, body: unknown): Promise<PutResult> {
    const answer = await this.request('PUT', resourcePath(kind, mesh, name), body);
    const warnings = asItem(answer.body).warnings;
    return { created: answer.status === 201, warnings: Array.isArray(warnings) ? warnings.map(String) : [] };
  }

  async delete(kind: KindDescriptor, mesh: string, name: string): Promise<void> {
    await this.request('DELETE', resourcePath(kind, mesh, name));
  }

  /** `GET /`: the control plane's own description (version and so on). */
  async serverInfo(): Promise<WireItem> {
    return asItem((await this.request('GET', '/')).body);
  }

  /** GET of any API path (with its query) that answers a JSON object, e.g. a Dataplane's `_bootstrap`. */
  async getJson(path: string): Promise<WireItem> {
    return asItem((await this.request('GET', path)).body);
  }

  /** `next` is an absolute URL built by the server; keep its path and query, use our base. */
  private relative(next: string): string {
    const url = new URL(next, this.baseUrl);
    return `${url.pathname}${url.search}`;
  }

  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new ApiUnreachableError(this.baseUrl, unreachableReason(err));
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw toProblem(response.status, parsed, text);
    return { status: response.status, body: parsed };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asItem(v: unknown): WireItem {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as WireItem) : {};
}

/** Kuma's problem body: `detail` (or `title`) and `invalid_parameters` (older servers: `causes`). */
function toProblem(status: number, parsed: unknown, text: string): ApiProblemError {
  const body = asItem(parsed);
  const detail =
    typeof body.detail === 'string' && body.detail !== ''
      ? body.detail
      : typeof body.title === 'string' && body.title !== ''
        ? body.title
        : `HTTP ${status}${parsed === undefined && text !== '' ? `: ${text.slice(0, 200)}` : ''}`;
  const params: InvalidParameter[] = [];
  const list = Array.isArray(body.invalid_parameters) ? body.invalid_parameters : Array.isArray(body.causes) ? body.causes : [];
  for (const p of list.map(asItem)) {
    params.push({ field: String(p.field ?? ''), reason: String(p.reason ?? p.message ?? '') });
  }
  return new ApiProblemError(status, detail, params);
}

function unreachableReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000}s`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'unknown host';
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
