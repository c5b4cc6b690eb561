/**
 * The resource manager: the one path by which users' writes reach the store (REST API, CLI).
 * It adds what the store does not know: read-only kinds per control-plane mode, the owning mesh
 * must exist, admission (validation, defaults, computed labels), status kept on update, and a
 * Mesh cannot be deleted while something still lives in it.
 */
import { admit, type AdmissionContext } from '../core/admission.js';
import type { KindDescriptor } from '../core/descriptor.js';
import {
  MeshNotFoundError,
  ReadOnlyResourceError,
  ResourceAlreadyExistsError,
  ResourceConflictError,
  ResourceInUseError,
  ResourceNotFoundError,
  ValidationError,
} from '../core/errors.js';
import { KINDS, kindByName } from '../core/registry.js';
import type { Labels, NewResource, Resource, ResourceKey } from '../core/resource.js';
import { msg, type Violation } from '../core/violations.js';
import type { ParsedDocument } from '../core/wire.js';
import type { ListPage, ResourceStore } from '../store/store.js';
import { readOnlyReason } from './read-only.js';
import { syncedCopyRefusal } from './synced-copy.js';

export interface ResourceManagerDeps {
  readonly store: ResourceStore;
  readonly admission: AdmissionContext;
  /**
   * Checks what an admitted resource refers to (src/policies/apply-check.ts): violations refuse
   * the write, warnings come back with it.
   */
  readonly referenceCheck?: (resource: NewResource) => Promise<{ readonly violations: readonly Violation[]; readonly warnings: readonly string[] }>;
}

export interface ApplyResult {
  readonly created: boolean;
  readonly resource: Resource;
  readonly warnings: string[];
}

export interface ManagerListOptions {
  /** Only this mesh (mesh-scoped kinds); absent means every mesh. */
  readonly mesh?: string;
  readonly labels?: Labels;
  readonly nameContains?: string;
  readonly offset?: number;
  readonly size?: number;
}

export class ResourceManager {
  private readonly store: ResourceStore;
  private readonly admission: AdmissionContext;
  private readonly referenceCheck: ResourceManagerDeps['referenceCheck'];

  constructor(deps: ResourceManagerDeps) {
    this.store = deps.store;
    this.admission = deps.admission;
    this.referenceCheck = deps.referenceCheck;
  }

  /**
   * Creates or updates the resource a document describes. The document's mesh wins; `opts.mesh`
   * fills it when the document has none. Throws ReadOnlyResourceError, ValidationError,
   * MeshNotFoundError, or a store error if a concurrent writer wins twice in a row.
   */
  async apply(doc: ParsedDocument, opts: { mesh?: string } = {}): Promise<ApplyResult> {
    const { kind } = doc;
    this.assertWritable(kind);
    const mesh = kind.scope === 'Mesh' ? doc.mesh || opts.mesh || '' : '';
    if (kind.scope === 'Mesh') {
      if (mesh === '') throw new ValidationError([{ field: 'mesh', message: msg.required }]);
      await this.requireMesh(mesh);
    }
    try {
      return await this.applyOnce(doc, mesh);
    } catch (err) {
      // Someone wrote the same key between our read and our write: read again and retry once.
      if (err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError) return this.applyOnce(doc, mesh);
      throw err;
    }
  }

  /** Throws MeshNotFoundError (mesh-scoped kinds) or ResourceNotFoundError. */
  async get(kind: KindDescriptor, mesh: string, name: string): Promise<Resource> {
    const key = this.keyFor(kind, mesh, name);
    if (kind.scope === 'Mesh') await this.requireMesh(key.mesh);
    const found = await this.store.get(key);
    if (!found) throw new ResourceNotFoundError(key);
    return found;
  }

  /** The resource, or undefined when it does not exist (no mesh check). */
  async find(kind: KindDescriptor, mesh: string, name: string): Promise<Resource | undefined> {
    return this.store.get(this.keyFor(kind, mesh, name));
  }

  /** Throws MeshNotFoundError unless the Mesh `mesh` exists. */
  async requireMesh(mesh: string): Promise<void> {
    if (!(await this.store.get({ type: 'Mesh', mesh: '', name: mesh }))) throw new MeshNotFoundError(mesh);
  }

  /** One page of a kind; with `mesh` set on a mesh-scoped kind, that mesh must exist. */
  async list(kind: KindDescriptor, opts: ManagerListOptions = {}): Promise<ListPage> {
    const mesh = kind.scope === 'Mesh' ? opts.mesh : undefined;
    if (mesh !== undefined) await this.requireMesh(mesh);
    return this.store.list({
      type: kind.name,
      ...(mesh !== undefined ? { mesh } : {}),
      ...(opts.labels !== undefined ? { labels: opts.labels } : {}),
      ...(opts.nameContains !== undefined ? { nameContains: opts.nameContains } : {}),
      ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
      ...(opts.size !== undefined ? { size: opts.size } : {}),
    });
  }

  /**
   * Deletes one resource and returns it as it was. A Mesh that still holds resources is refused
   * with ResourceInUseError (Kuma cascades; we make the user delete the contents first).
   */
  async delete(kind: KindDescriptor, mesh: string, name: string): Promise<Resource> {
    this.assertWritable(kind);
    const existing = await this.get(kind, mesh, name);
    this.assertNotSyncedCopy(existing);
    if (kind.name === 'Mesh') await this.assertMeshEmpty(name);
    return this.store.delete(this.keyFor(kind, mesh, name), { version: existing.version });
  }

  /** Creates the Mesh `name` with defaults when it does not exist; true when it was created. */
  async ensureDefaultMesh(name = 'default'): Promise<boolean> {
    const meshKind = kindByName('Mesh');
    if (await this.store.get({ type: 'Mesh', mesh: '', name })) return false;
    const { resource } = admit({ kind: meshKind, name, mesh: '', labels: {}, body: {} }, this.admission);
    try {
      await this.store.create(resource);
      return true;
    } catch (err) {
      if (err instanceof ResourceAlreadyExistsError) return false;
      throw err;
    }
  }

  /** A copy written by multi-zone sync belongs to the control plane it came from. */
  private assertNotSyncedCopy(existing: Resource): void {
    const refusal = syncedCopyRefusal(existing, this.admission.mode);
    if (refusal) throw new ReadOnlyResourceError(refusal);
  }

  private async applyOnce(doc: ParsedDocument, mesh: string): Promise<ApplyResult> {
    const { kind } = doc;
    const existing = await this.store.get(this.keyFor(kind, mesh, doc.name));
    if (existing) this.assertNotSyncedCopy(existing);
    const admitted = admit({ kind, name: doc.name, mesh, labels: doc.labels, body: doc.body }, this.admission, existing);
    const references = this.referenceCheck ? await this.referenceCheck(admitted.resource) : undefined;
    if (references && references.violations.length > 0) throw new ValidationError([...references.violations]);
    const warnings = [...doc.warnings, ...admitted.warnings, ...(references?.warnings ?? [])];
    if (!existing) {
      return { created: true, resource: await this.store.create(admitted.resource), warnings };
    }
    const resource = await this.store.update({ ...admitted.resource, version: existing.version });
    return { created: false, resource, warnings };
  }

  private assertWritable(kind: KindDescriptor): void {
    const reason = readOnlyReason(kind, this.admission.mode);
    if (reason !== undefined) throw new ReadOnlyResourceError(reason);
  }

  private async assertMeshEmpty(mesh: string): Promise<void> {
    const left: string[] = [];
    for (const kind of KINDS) {
      if (kind.scope !== 'Mesh') continue;
      const { total } = await this.store.list({ type: kind.name, mesh, size: 1 });
      if (total > 0) left.push(`${total} ${kind.name}`);
    }
    if (left.length > 0) {
      throw new ResourceInUseError(
        `mesh '${mesh}' still contains ${left.join(', ')}; delete them first (Meshplane does not delete a mesh's contents for you)`,
      );
    }
  }

  private keyFor(kind: KindDescriptor, mesh: string, name: string): ResourceKey {
    return { type: kind.name, mesh: kind.scope === 'Mesh' ? mesh : '', name };
  }
}
