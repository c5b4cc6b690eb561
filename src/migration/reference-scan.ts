/**
 * Finds the references of routes and policies that name a destination by its `kuma.io/service`
 * value (the way users wrote them before MeshService): `kind: MeshService` with a `name` and no
 * labels, where the name is a `kuma.io/service` of the mesh, or Kuma's compatibility form
 * `<service>_<namespace>_svc[_<port>]` (traffic doc 4.2). Looked at: every `spec.to[].targetRef`,
 * every rule's `backendRefs[]` and `requestMirror.backendRef`. The top-level targetRef is left
 * alone: a MeshService name there selects the proxies carrying that `kuma.io/service` in every mode.
 */
import type { Resource } from '../core/resource.js';
import { POLICY_KINDS } from '../policies/policy-index.js';
import type { BackendRef } from '../resources/shared/target-ref.js';

export type RefPosition = 'to' | 'backendRef' | 'mirror';

export interface FoundReference {
  readonly policy: Resource;
  /** `spec.to[0].rules[0].default.backendRefs[1]`. */
  readonly field: string;
  /** Where to write the rewrite in the spec: keys and indexes under `spec`. */
  readonly path: readonly (string | number)[];
  readonly position: RefPosition;
  readonly ref: BackendRef;
  /** The `kuma.io/service` value it names. */
  readonly service: string;
  /** The port number Kuma's compatibility form fixes (`backend_ns_svc_8080`). */
  readonly compatPort?: number;
  readonly compat: boolean;
}

const COMPAT_NAME = /^([^_]+)_([^_]+)_svc(?:_(\d+))?$/;

interface RuleShape {
  readonly default?: { readonly backendRefs?: readonly BackendRef[]; readonly filters?: readonly { readonly requestMirror?: { readonly backendRef?: BackendRef } }[] };
}
interface SpecShape {
  readonly to?: readonly { readonly targetRef?: BackendRef; readonly rules?: readonly RuleShape[] }[];
}

/** The service a name stands for: itself when Dataplanes carry it, else the compatibility form's. */
function serviceOf(name: string, services: ReadonlySet<string>): { service: string; port?: number; compat: boolean } | undefined {
  if (services.has(name)) return { service: name, compat: false };
  const m = COMPAT_NAME.exec(name);
  if (m === null || !services.has(m[1] ?? '')) return undefined;
  return { service: m[1] ?? '', compat: true, ...(m[3] === undefined ? {} : { port: Number(m[3]) }) };
}

function candidate(ref: BackendRef | undefined, services: ReadonlySet<string>): ReturnType<typeof serviceOf> {
  if (ref === undefined || ref.kind !== 'MeshService' || !ref.name) return undefined;
  if (ref.labels !== undefined && Object.keys(ref.labels).length > 0) return undefined;
  return serviceOf(ref.name, services);
}

/** Every `kuma.io/service`-style reference of the given routes and policies, in field order. */
export function scanReferences(policies: readonly Resource[], services: ReadonlySet<string>): FoundReference[] {
  const out: FoundReference[] = [];
  for (const policy of policies) {
    if (!(POLICY_KINDS as readonly string[]).includes(policy.type)) continue;
    const spec = (policy.spec ?? {}) as SpecShape;
    const add = (ref: BackendRef | undefined, position: RefPosition, path: (string | number)[]): void => {
      const c = candidate(ref, services);
      if (c === undefined || ref === undefined) return;
      out.push({ policy, field: fieldOf(path), path, position, ref, service: c.service, compat: c.compat, ...(c.port === undefined ? {} : { compatPort: c.port }) });
    };
    (spec.to ?? []).forEach((to, i) => {
      add(to.targetRef, 'to', ['to', i, 'targetRef']);
      (to.rules ?? []).forEach((rule, j) => {
        (rule.default?.backendRefs ?? []).forEach((ref, k) => add(ref, 'backendRef', ['to', i, 'rules', j, 'default', 'backendRefs', k]));
        (rule.default?.filters ?? []).forEach((f, k) => add(f.requestMirror?.backendRef, 'mirror', ['to', i, 'rules', j, 'default', 'filters', k, 'requestMirror', 'backendRef']));
      });
    });
  }
  return out;
}

function fieldOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), 'spec');
}

/** The spec with the values at the given paths replaced (nothing else is touched). */
export function rewriteSpec(spec: unknown, changes: readonly { readonly path: readonly (string | number)[]; readonly value: unknown }[]): unknown {
  const copy = structuredClone(spec) as Record<string | number, unknown>;
  for (const { path, value } of changes) {
    let node: Record<string | number, unknown> = copy;
    path.slice(0, -1).forEach((p) => {
      node = node[p] as Record<string | number, unknown>;
    });
    const last = path[path.length - 1];
    if (last !== undefined) node[last] = value;
  }
  return copy;
}
