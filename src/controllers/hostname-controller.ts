/**
 * Gives every MeshService and MeshMultiZoneService (local and synced) its hostnames from the
 * HostnameGenerators (semantics 5.5) when any of them changes. Owns `status.addresses` and
 * `status.hostnameGenerators` and nothing else: VIPs, proxy counts and conditions written by
 * other controllers are carried over from the latest stored version.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { type Registry, Summary } from 'prom-client';
import { ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import { keyString, type Resource } from '../core/resource.js';
import { assignHostnames, type HostnameAssignment, holdsAssignment, type TemplateCache } from '../resources/hostname-generator/assign.js';
import type { HostnameGeneratorSpec } from '../resources/hostname-generator/types.js';
import type { ResourceStore, StoreEvent } from '../store/store.js';
import type { Controller, ReconcileResult } from './controller.js';
import type { ResourceCache } from './resource-cache.js';

const TARGET_KINDS = ['MeshService', 'MeshMultiZoneService'];

type StatusRecord = Record<string, unknown>;
type HostnameStatus = Parameters<typeof holdsAssignment>[0];

export class HostnameController implements Controller {
  readonly name = 'hostname-generator';
  private readonly templates: TemplateCache = new Map();
  private readonly duration: Summary;

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
    if (e.resource.type === 'HostnameGenerator') return true;
    if (!TARGET_KINDS.includes(e.resource.type)) return false;
    if (e.op !== 'update' || !e.previous) return true;
    return (
      !isDeepStrictEqual(e.previous.labels, e.resource.labels) ||
      e.previous.creationTime !== e.resource.creationTime ||
      !isDeepStrictEqual(ownFields(e.previous), ownFields(e.resource))
    );
  }

  async reconcile(): Promise<ReconcileResult> {
    const started = performance.now();
    const { cache } = this.deps;
    const targets = TARGET_KINDS.flatMap((t) => cache.list(t));
    const assigned = assignHostnames({
      generators: cache.list('HostnameGenerator') as Resource<HostnameGeneratorSpec>[],
      targets,
      localZone: this.deps.zone,
      templates: this.templates,
    });
    for (const t of targets) {
      const want = assigned.get(keyString(t));
      if (want && !holdsAssignment(t.status as HostnameStatus | undefined, want)) await this.write(t, want);
    }
    this.duration.observe(performance.now() - started);
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
