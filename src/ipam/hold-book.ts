/**
 * Keeps the store's `VipHold` records in step with the pools' holds: loads them once (before the
 * pools learn which addresses are in use, so an address found in use overrides a stale hold),
 * and after every pass writes the holds that are new or changed and deletes the ones that ended.
 * The pools are the truth; a failed write is simply tried again on the next pass.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { ResourceAlreadyExistsError, ResourceConflictError, ResourceNotFoundError } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { readVipHold, VIP_HOLD_TYPE, vipHoldResource, type VipHoldSpec } from './vip-hold.js';
import type { VipPool } from './vip-pool.js';

export class HoldBook {
  private loaded = false;
  /** Address -> kind of its last holder and when it was released (for records we write). */
  private readonly meta = new Map<string, { readonly kind: string; readonly releasedAt: string }>();
  /** Address -> the stored record, as last read or written. */
  private readonly persisted = new Map<string, Resource>();

  constructor(
    private readonly deps: {
      readonly store: ResourceStore;
      readonly logger: Logger;
      readonly pools: readonly VipPool[];
    },
  ) {}

  /** Reads the stored holds into the pools, once. Throws on a store error (the runner retries). */
  async load(): Promise<void> {
    if (this.loaded) return;
    const { items } = await this.deps.store.list({ type: VIP_HOLD_TYPE });
    for (const r of items) {
      const hold = readVipHold(r);
      if (!hold) {
        this.deps.logger.warn({ name: r.name }, 'deleting an unreadable VipHold record');
        await this.deps.store.delete(r, { version: r.version }).catch(() => undefined);
        continue;
      }
      this.deps.pools.find((p) => p.contains(hold.ip))?.hold(hold.ip, new Date(hold.heldUntil));
      this.meta.set(hold.ip, { kind: hold.kind, releasedAt: hold.releasedAt });
      this.persisted.set(hold.ip, r);
    }
    this.loaded = true;
  }

  /** Notes who gave up an address the pool has just put on hold. */
  released(ip: string, kind: string, now: Date): void {
    this.meta.set(ip, { kind, releasedAt: now.toISOString() });
  }

  /** Writes what differs from the pools' holds; true when some write failed. */
  async persist(): Promise<boolean> {
    const desired = new Map<string, VipHoldSpec>();
    for (const pool of this.deps.pools) {
      for (const h of pool.holds()) {
        const meta = this.meta.get(h.ip);
        desired.set(h.ip, { ip: h.ip, kind: meta?.kind ?? '', releasedAt: meta?.releasedAt ?? '', heldUntil: h.heldUntil.toISOString() });
      }
    }
    for (const ip of this.meta.keys()) if (!desired.has(ip)) this.meta.delete(ip);
    let failed = false;
    for (const [ip, spec] of desired) {
      const stored = this.persisted.get(ip);
      if (stored && isDeepStrictEqual(stored.spec, spec)) continue;
      if (!(await this.write(ip, spec, stored))) failed = true;
    }
    for (const [ip, stored] of this.persisted) {
      if (desired.has(ip)) continue;
      try {
        await this.deps.store.delete(stored, { version: stored.version });
        this.persisted.delete(ip);
      } catch (err) {
        if (err instanceof ResourceNotFoundError) this.persisted.delete(ip);
        else {
          failed = true;
          await this.reread(ip, stored);
        }
      }
    }
    return failed;
  }

  private async write(ip: string, spec: VipHoldSpec, stored: Resource | undefined): Promise<boolean> {
    const record = vipHoldResource(spec);
    try {
      const written = stored ? await this.deps.store.update({ ...record, version: stored.version }) : await this.deps.store.create(record);
      this.persisted.set(ip, written);
      return true;
    } catch (err) {
      const raced = err instanceof ResourceConflictError || err instanceof ResourceAlreadyExistsError || err instanceof ResourceNotFoundError;
      if (!raced) this.deps.logger.error({ err, vip: ip }, 'could not store a VIP hold; retrying shortly');
      await this.reread(ip, record);
      return false;
    }
  }

  /** After a lost race, learn what the store holds so the next try carries the right version. */
  private async reread(ip: string, key: { readonly type: string; readonly mesh: string; readonly name: string }): Promise<void> {
    const current = await this.deps.store.get({ type: key.type, mesh: key.mesh, name: key.name }).catch(() => undefined);
    if (current) this.persisted.set(ip, current);
    else this.persisted.delete(ip);
  }
}
