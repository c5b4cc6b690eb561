/**
 * Kuma 2.x `targetRef` and `backendRef` (the shape every route and policy shares), their schema,
 * and the reference rules of Kuma's `ValidateTargetRef` / `ValidateBackendRef`, with the stricter
 * checks Meshplane adds because every Meshplane zone is a Universal zone.
 */
import { s, type Schema } from '../../core/schema.js';
import { msg, type PathBuilder, type Violation, ViolationList } from '../../core/violations.js';

export const TARGET_REF_KINDS = [
  'Mesh',
  'Dataplane',
  'MeshSubset',
  'MeshGateway',
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
  'MeshServiceSubset',
  'MeshHTTPRoute',
] as const;
export type TargetRefKind = (typeof TARGET_REF_KINDS)[number];

export interface TargetRef {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly sectionName?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly mesh?: string;
  readonly proxyTypes?: readonly string[];
}

export interface BackendRef extends TargetRef {
  readonly port?: number;
  /** Filled with 1 by the schema when omitted. */
  readonly weight?: number;
}

const targetRefFields: Record<string, Schema> = {
  kind: s.string(),
  name: s.string(),
  namespace: s.string(),
  labels: s.map(),
  sectionName: s.string(),
  tags: s.map(),
  mesh: s.string(),
  proxyTypes: s.array(s.string({ enum: ['Sidecar', 'Gateway'] })),
};

/** `kind` is checked by the validator, so a missing kind reads as Kuma's `kind: must be defined`. */
export const targetRefSchema = s.object(targetRefFields);
export const backendRefSchema = s.object({ ...targetRefFields, port: s.port(), weight: s.int({ default: 1 }) });
/** Mirrors take a backendRef whose weight means nothing, so none is filled in. */
export const mirrorBackendRefSchema = s.object({ ...targetRefFields, port: s.port(), weight: s.int() });

/** Where a reference sits: the top-level ref picks proxies, the others pick destinations. */
export type TargetRefPosition = 'top-level' | 'to' | 'from' | 'backendRef';

export interface TargetRefOptions {
  readonly allowedKinds: readonly TargetRefKind[];
  readonly position: TargetRefPosition;
  /** A top-level ref of a policy that configures inbound traffic (it has `from`): a Dataplane `sectionName` is allowed. */
  readonly inbound?: boolean;
}

const MAX_WEIGHT = 4294967295;
const NAME_CHARACTERS = /^[0-9a-z._-]*$/;
const TAG_NAME = /^[a-zA-Z0-9.\-_:/]*$/;
const TAG_VALUE = /^[a-zA-Z0-9.\-_:]*$/;
const SELECTOR_VALUE = /^([a-zA-Z0-9.\-_:/]*|\*)$/;

type RefField = keyof TargetRef;

function isSet(v: TargetRef[RefField]): boolean {
  if (v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Kuma's reference rules for one targetRef (or the targetRef part of a backendRef). */
export function validateTargetRef(ref: TargetRef | undefined, path: PathBuilder, opts: TargetRefOptions): Violation[] {
  const out = new ViolationList();
  const r: TargetRef = ref ?? {};
  const kind = r.kind ?? '';
  if (kind === '') {
    out.at(path.field('kind'), msg.required);
    return out.items;
  }
  if (!(opts.allowedKinds as readonly string[]).includes(kind)) {
    out.at(path.field('kind'), `value '${kind}' is not supported`);
    return out.items;
  }
  const notSet = (...fields: RefField[]): void => {
    for (const f of fields) if (isSet(r[f])) out.at(path.field(f), msg.notSetWith(kind));
  };
  const name = (): void => {
    if (!NAME_CHARACTERS.test(r.name ?? '')) {
      out.at(path.field('name'), "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'.");
    }
  };
  const nameOrLabels = (): void => {
    if (!isSet(r.labels) && !isSet(r.name)) out.at(path, `name or labels must be set when kind is ${kind}`);
  };
  const labelsAlone = (message = 'either labels or name and namespace must be specified'): void => {
    if (isSet(r.labels) && (isSet(r.name) || isSet(r.namespace))) out.at(path.field('labels'), message);
  };
  // Stricter than Kuma: Kuma accepts a namespace on Universal and then matches nothing with it.
  const universalNamespace = (): void => {
    if (isSet(r.namespace)) out.at(path.field('namespace'), 'can only be used on Kubernetes zones');
  };
  const proxyTypes = (): void => {
    if (r.proxyTypes !== undefined && r.proxyTypes.length === 0) {
      out.at(path.field('proxyTypes'), 'must be undefined or have at least one element');
    }
  };

  switch (kind as TargetRefKind) {
    case 'Mesh':
      if (isSet(r.name)) out.at(path.field('name'), 'using name with kind Mesh is not yet supported');
      notSet('mesh', 'tags', 'labels', 'namespace', 'sectionName');
      proxyTypes();
      break;
    case 'Dataplane':
      notSet('tags', 'mesh', 'proxyTypes');
      labelsAlone();
      if (!(opts.position === 'top-level' && opts.inbound) && isSet(r.sectionName)) out.at(path.field('sectionName'), 'can only be used with inbound policies');
      universalNamespace();
      break;
    case 'MeshSubset':
      notSet('name', 'mesh');
      out.addAll(tagErrors(r.tags ?? {}, path.field('tags'), TAG_VALUE, 'tag value must consist of alphanumeric characters, dots, dashes and underscores'));
      notSet('labels', 'namespace', 'sectionName');
      proxyTypes();
      break;
    // Kuma has no case for MeshMultiZoneService; Meshplane checks it like MeshService (stricter than Kuma).
    case 'MeshService':
    case 'MeshMultiZoneService':
      name();
      notSet('mesh', 'tags', 'proxyTypes');
      nameOrLabels();
      labelsAlone();
      universalNamespace();
      break;
    case 'MeshHTTPRoute':
      name();
      notSet('mesh', 'tags', 'proxyTypes', 'sectionName');
      nameOrLabels();
      labelsAlone();
      universalNamespace();
      break;
    // MeshGateway only appears in top-level lists, where Kuma allows listener tags on Universal.
    case 'MeshServiceSubset':
    case 'MeshGateway':
      if (!isSet(r.name)) out.at(path.field('name'), `must be set when kind is ${kind}`);
      name();
      notSet('mesh', 'proxyTypes');
      out.addAll(
        tagErrors(r.tags ?? {}, path.field('tags'), SELECTOR_VALUE, 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"'),
      );
      notSet('labels', 'namespace', 'sectionName');
      break;
    case 'MeshExternalService':
      name();
      notSet('mesh', 'tags', 'proxyTypes');
      nameOrLabels();
      labelsAlone('either labels or name must be specified');
      notSet('sectionName');
      universalNamespace();
      break;
  }
  return out.items;
}

/** Kuma's tag rules for MeshSubset (`ValidateTags`) and subset selectors (`ValidateSelector`). */
function tagErrors(tags: Readonly<Record<string, string>>, path: PathBuilder, valueRule: RegExp, valueMessage: string): Violation[] {
  const out = new ViolationList();
  for (const key of Object.keys(tags).sort()) {
    if (key === '') out.at(path, 'tag name must be non-empty');
    if (!TAG_NAME.test(key)) out.at(path.key(key), 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores');
    const value = tags[key] ?? '';
    if (value === '') out.at(path.key(key), 'tag value must be non-empty');
    if (!valueRule.test(value)) out.at(path.key(key), valueMessage);
  }
  return out.items;
}

/** One route backendRef: the targetRef rules, then the port and weight rules. */
export function validateBackendRef(ref: BackendRef, path: PathBuilder, allowedKinds: readonly TargetRefKind[]): Violation[] {
  const out = new ViolationList();
  out.addAll(validateTargetRef(ref, path, { allowedKinds, position: 'backendRef' }));
  if (ref.kind === 'MeshMultiZoneService' && ref.port === undefined) {
    out.at(path.field('port'), `${msg.required} with kind MeshMultiZoneService`);
  }
  // Stricter than Kuma 2.x, whose Universal decoder gives a raw type error for a negative weight.
  if (ref.weight !== undefined && (ref.weight < 0 || ref.weight > MAX_WEIGHT)) {
    out.at(path.field('weight'), `must be in inclusive range [0, ${MAX_WEIGHT}]`);
  }
  return out.items;
}

/** Every backendRef of one rule, then the rule-wide check that some traffic can flow. */
export function validateBackendRefs(refs: readonly BackendRef[], path: PathBuilder, allowedKinds: readonly TargetRefKind[]): Violation[] {
  const out = new ViolationList();
  refs.forEach((ref, i) => out.addAll(validateBackendRef(ref, path.index(i), allowedKinds)));
  // Stricter than Kuma: a split whose weights are all 0 sends nothing anywhere (HEAD answers 500).
  if (refs.length > 0 && refs.every((ref) => ref.weight === 0)) {
    out.at(path, 'must have at least one backendRef with a weight greater than 0');
  }
  return out.items;
}

/** How a reference reads in `meshplane get` tables: `Mesh`, `MeshService/backend:http`, `MeshService{app=web}`. */
export function describeTargetRef(ref: TargetRef | undefined): string {
  if (!ref?.kind) return 'Mesh';
  let text = ref.kind;
  if (ref.name) text += `/${ref.name}`;
  const selector = ref.labels && Object.keys(ref.labels).length > 0 ? ref.labels : ref.tags;
  if (selector && Object.keys(selector).length > 0) {
    text += `{${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}}`;
  }
  if (ref.sectionName) text += `:${ref.sectionName}`;
  return text;
}
