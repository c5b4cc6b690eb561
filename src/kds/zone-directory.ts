/**
 * Global's view of its zones: which Zone resources are enabled (read synchronously by the
 * global -> zones mapping, kept current by the store's watch) and which zone has an open stream.
 */
import type { Resource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { ZONE_TYPE, zoneEnabled } from './zone-records.js';

export class ZoneDirectory {
  private readonly enabled = new Map<string, boolean>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ResourceStore,
    /** Called when a zone's enabled state changes (including when its Zone is created or deleted). */
    private readonly onChange: (zone: string, enabled: boolean) => void,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.store.watch((e) => {
      if (e.resource.type !== ZONE_TYPE) return;
      this.set(e.resource.name, e.op === 'delete' ? undefined : e.resource);
    });
    for (const z of (await this.store.list({ type: ZONE_TYPE })).items) this.set(z.name, z);
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** A zone without a Zone resource counts as enabled (Kuma: when the lookup fails, it is sent anyway). */
  isEnabled(zone: string): boolean {
    return this.enabled.get(zone) ?? true;
  }

  private set(zone: string, resource: Resource | undefined): void {
    const before = this.isEnabled(zone);
    if (resource) this.enabled.set(zone, zoneEnabled(resource));
    else this.enabled.delete(zone);
    const after = this.isEnabled(zone);
    if (before !== after) this.onChange(zone, after);
  }
}
