/**
 * Waits, with a deadline, until every given resource exists in the store: what `migrate apply`
 * does after enabling MeshServices, so that the zones have generated them (and, on global, synced
 * them up) before anything that relies on them is written. Event-driven (the store's watch), with
 * one look at the store after subscribing so nothing written in between is missed.
 */
import { keyString, type ResourceKey } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';

export class WaitTimeoutError extends Error {}

export async function waitForResources(store: ResourceStore, keys: readonly ResourceKey[], deadlineMs: number, what: string): Promise<void> {
  const missing = new Set(keys.map(keyString));
  if (missing.size === 0) return;
  let wake: () => void = () => undefined;
  const changed = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = store.watch((e) => {
    if (e.op !== 'delete') missing.delete(keyString(e.resource));
    if (missing.size === 0) wake();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const k of keys) if ((await store.get(k)) !== undefined) missing.delete(keyString(k));
    if (missing.size === 0) return;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WaitTimeoutError(`waited ${deadlineMs} ms for ${what}; still missing: ${[...missing].join(', ')}`)), deadlineMs);
    });
    await Promise.race([changed, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    unsubscribe();
  }
}
