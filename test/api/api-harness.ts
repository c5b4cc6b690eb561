/**
 * A real API server on 127.0.0.1 (port 0) over a real store, and a tiny fetch wrapper. The store
 * is MemoryStore unless MESHPLANE_TEST_STORE=sqlite (then a fresh SQLite file per harness).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startApiServer } from '../../src/api/server.js';
import type { AdmissionContext } from '../../src/core/admission.js';
import { type Clock, ManualClock } from '../../src/core/clock.js';
import { KINDS } from '../../src/core/registry.js';
import { ResourceManager } from '../../src/manager/resource-manager.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

export interface Harness {
  readonly url: string;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly clock: ManualClock;
  readonly registry: Registry;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
  /** The parsed body; undefined when it is not JSON. */
  readonly json: unknown;
}

export interface HarnessOptions {
  readonly mode?: 'zone' | 'global';
  readonly zone?: string;
  readonly bodyLimitBytes?: number;
  /** Create the `default` mesh first (default true). */
  readonly defaultMesh?: boolean;
  readonly config?: Record<string, unknown>;
  /** Wraps the real store, e.g. to make it lose races on purpose. */
  readonly wrapStore?: (store: ResourceStore) => ResourceStore;
}

async function makeStore(clock: Clock): Promise<{ store: ResourceStore; cleanup: () => void }> {
  if (process.env.MESHPLANE_TEST_STORE !== 'sqlite') return { store: new MemoryStore({ clock }), cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-api-'));
  const store = await openStore(`sqlite:${join(dir, 'test.db')}`, { clock });
  return { store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const made = await makeStore(clock);
  const store = o.wrapStore ? o.wrapStore(made.store) : made.store;
  const { cleanup } = made;
  const admission: AdmissionContext = { mode: o.mode ?? 'zone', zone: o.zone ?? 'default', environment: 'universal' };
  const manager = new ResourceManager({ store, admission });
  if (o.defaultMesh ?? true) await manager.ensureDefaultMesh();
  const registry = new Registry();
  const server = await startApiServer({
    manager,
    store,
    admission,
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: o.bodyLimitBytes ?? 1024 * 1024,
    version: '0.0.0-test',
    config: o.config ?? { apiServer: { port: 0 } },
    metrics: registry,
    clock,
  });
  return {
    url: server.url,
    store,
    manager,
    clock,
    registry,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${server.url}${path}`, init);
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, text, contentType: res.headers.get('content-type') ?? '', json };
    },
    async close() {
      await server.close();
      await store.close();
      cleanup();
    },
  };
}

/** Every stored resource of every kind, as one string: equal strings mean an unchanged store. */
export async function exportStore(store: ResourceStore): Promise<string> {
  const all: unknown[] = [];
  for (const kind of KINDS) all.push(...(await store.list({ type: kind.name })).items);
  return JSON.stringify(all);
}
