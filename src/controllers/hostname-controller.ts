/**
 * Gives every MeshService and MeshMultiZoneService (local and synced) its hostnames from the
 * HostnameGenerators (semantics 5.5) when any of them changes. Owns `status.addresses` and
 * `status.hostnameGenerators` and nothing else: VIPs, proxy counts and conditions written by
 * other controllers are carried over from the latest stored version. A changed target costs its own
 * renders and the targets it shares a hostname with (HostnameBook); a changed generator, all.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyOf, keyString, type Resource, type ResourceKey } from '../core/resource.js';
import { type HostnameAssignment, holdsAssignment, type TemplateCache } from '../resources/hostname-generator/assign.js';
import type { HostnameGeneratorSpec } from '../resources/hostname-generator/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import { HostnameBook } from './hostname-book.js';
import type { ResourceCache } from './resource-cache.js';

const TARGET_KINDS = ['MeshService', 'MeshMultiZoneService'];

type StatusRecord = Record<string, unknown>;
type HostnameStatus = Parameters<typeof holdsAssignment>[0];

export class HostnameController implements Controller {
  readonly name = 'hostname-generator';
  private readonly templates: TemplateCache = new Map();
  private readonly duration: Summary;
  /** Assignments kept current target by target; rebuilt when a generator changes. */
  private book: HostnameBook | undefined;
  private readonly dirty = new Map<string, ResourceKey>();

  constructor(
    private readonly deps: {
      readonly cache: ResourceCache;
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly zone: string;
      readonly metrics?: Registry;
    },
  ) {
    this.duration = new Summary({
      name: 'component_hostname_generator',
      help: 'Duration in milliseconds of one hostname generation pass',
      registers: deps.metrics ? [deps.metrics] : [],
    });
  }

  /** Generators always; targets when something a template reads, or our own output, changed. */
  wakesOn(e: StoreEvent): boolean {
    if (e.resource.type === 'HostnameGenerator') {
      this.book = undefined;
      return true;
    }
    if (!TARGET_KINDS.includes(e.resource.type)) return false;
    const relevant =
      e.op !== 'update' ||
      !e.previous ||
      !isDeepStrictEqual(e.previous.labels, e.resource.labels) ||
      e.previous.creationTime !== e.resource.creationTime ||
      !isDeepStrictEqual(ownFields(e.previous), ownFields(e.resource));
    if (relevant) this.dirty.set(keyString(e.resource), keyOf(e.resource));
    return relevant;
  }

  async reconcile(): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    let book = this.book;
    let todo: Iterable<string>;
    if (book === undefined) {
      book = new HostnameBook(this.deps.zone, this.templates);
      book.reset(cache.list('HostnameGenerator') as Resource<HostnameGeneratorSpec>[], TARGET_KINDS.flatMap((t) => cache.list(t)));
      this.book = book;
      this.dirty.clear();
      todo = book.keys();
    } else {
      const affected = new Set<string>();
      for (const key of this.dirty.values()) {
        const target = cache.get(key);
        for (const a of target ? book.put(target) : book.remove(key)) affected.add(a);
      }
      this.dirty.clear();
      todo = affected;
    }
    try {
      for (const k of todo) {
        const known = book.target(k);
        const t = known && cache.get(known);
        const want = book.assignment(k);
        if (t && want && !holdsAssignment(t.status as HostnameStatus | undefined, want)) await this.write(t, want);
      }
    } catch (err) {
      // The retry the runner schedules starts over: everything is checked again.
      this.book = undefined;
      throw err;
    } finally {
      this.duration.observe(performance.now() - started);
    }
    return {};
  }

  /** Replaces our two fields on the latest version; re-reads and retries when someone wrote in between. */
  private async write(cached: Resource, want: HostnameAssignment): Promise<void> {
    let current: Resource | undefined = cached;
    for (let attempt = 0; current && attempt < 5; attempt++) {
      if (holdsAssignment(current.status as HostnameStatus | undefined, want)) return;
      const status: StatusRecord = { ...((current.status as StatusRecord | undefined) ?? {}) };
      delete status.addresses;
      delete status.hostnameGenerators;
      Object.assign(status, normalise(want));
      try {
        await this.deps.store.update({ ...current, status, version: current.version });
        return;
      } catch (err) {
        if (err instanceof ResourceNotFoundError) return;
        if (!(err instanceof ResourceConflictError)) throw err;
        current = await this.deps.store.get(current);
      }
    }
    this.deps.logger.warn({ resource: keyString(cached) }, 'hostnames not written: the resource kept changing; the next change retries');
  }
}

/** Kuma omits empty lists, so an empty assignment is "no field". */
function normalise(a: HostnameAssignment): StatusRecord {
  const out: StatusRecord = {};
  if (a.addresses.length > 0) out.addresses = a.addresses;
  if (a.hostnameGenerators.length > 0) out.hostnameGenerators = a.hostnameGenerators;
  return out;
}

function ownFields(r: Resource): StatusRecord {
  const status = (r.status ?? {}) as StatusRecord;
  const out: StatusRecord = {};
  if (Array.isArray(status.addresses) && status.addresses.length > 0) out.addresses = status.addresses;
  if (Array.isArray(status.hostnameGenerators) && status.hostnameGenerators.length > 0) out.hostnameGenerators = status.hostnameGenerators;
  return out;
}
