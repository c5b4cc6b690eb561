/**
 * Read-only views for the GUI and `inspect`: `/global-insight`, `/mesh-insights[/{mesh}]` and
 * `/meshes/{mesh}/dataplanes/_overview`. Each reads the store and hands the data to insights.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { KindDescriptor } from '../core/descriptor.js';
import { ResourceNotFoundError } from '../core/errors.js';
import { KINDS, kindByName } from '../core/registry.js';
import type { Resource } from '../core/resource.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { ResourceStore } from '../store/store.js';
import { dataplaneOverview, globalInsight, meshInsight } from './insights.js';
import { nextLink, parseListQuery, type Query } from './list-query.js';
import { titled } from './problem.js';

export interface InsightRouteDeps {
  readonly manager: ResourceManager;
  readonly store: ResourceStore;
  readonly clock: Clock;
  /** Node ids of proxies with an xDS stream here; absent on a global control plane. */
  readonly connectedProxies?: () => ReadonlySet<string>;
}

async function totals(store: ResourceStore, kinds: readonly KindDescriptor[], mesh?: string): Promise<Map<KindDescriptor, number>> {
  const out = new Map<KindDescriptor, number>();
  for (const kind of kinds) {
    const page = await store.list({ type: kind.name, ...(mesh !== undefined ? { mesh } : {}), size: 1 });
    out.set(kind, page.total);
  }
  return out;
}

async function all(store: ResourceStore, type: string, mesh?: string): Promise<Resource[]> {
  return (await store.list({ type, ...(mesh !== undefined ? { mesh } : {}) })).items;
}

export function registerInsightRoutes(app: FastifyInstance, deps: InsightRouteDeps): void {
  const { manager, store, clock } = deps;
  const connected = (): ReadonlySet<string> => deps.connectedProxies?.() ?? new Set<string>();
  const meshKinds = KINDS.filter((k) => k.scope === 'Mesh');

  const insightOf = async (mesh: Resource): Promise<Record<string, unknown>> =>
    meshInsight({
      mesh,
      now: clock.now(),
      totals: await totals(store, meshKinds, mesh.name),
      dataplanes: await all(store, 'Dataplane', mesh.name),
      meshServices: await all(store, 'MeshService', mesh.name),
      connected: connected(),
    });

  app.get('/global-insight', async () =>
    titled('Could not retrieve GlobalInsight', async () =>
      globalInsight({
        now: clock.now(),
        totals: await totals(store, KINDS),
        dataplanes: await all(store, 'Dataplane'),
        meshServices: await all(store, 'MeshService'),
        connected: connected(),
      }),
    ),
  );

  app.get('/mesh-insights', async (req: FastifyRequest<{ Querystring: Query }>) => {
    const query = await titled('Could not retrieve resources', () => parseListQuery(req.query, '/mesh-insights'));
    const page = await titled('Could not retrieve resources', () => manager.list(kindByName('Mesh'), query));
    const items: Record<string, unknown>[] = [];
    for (const mesh of page.items) items.push(await insightOf(mesh));
    return { total: page.total, items, next: nextLink({ host: req.headers.host ?? req.host, url: req.url }, page.nextOffset) };
  });

  app.get('/mesh-insights/:mesh', async (req: FastifyRequest<{ Params: { mesh: string } }>) =>
    titled('Could not retrieve a resource', async () => {
      const mesh = await manager.find(kindByName('Mesh'), '', req.params.mesh);
      if (!mesh) throw new ResourceNotFoundError({ type: 'MeshInsight', mesh: '', name: req.params.mesh });
      return insightOf(mesh);
    }),
  );

  app.get('/meshes/:mesh/dataplanes/_overview', async (req: FastifyRequest<{ Params: { mesh: string }; Querystring: Query }>) => {
    const kind = kindByName('Dataplane');
    const query = await titled('Could not retrieve resources', () => parseListQuery(req.query, '/meshes/{mesh}/dataplanes/_overview'));
    const page = await titled('Could not retrieve resources', () => manager.list(kind, { ...query, mesh: req.params.mesh }));
    return {
      total: page.total,
      items: page.items.map((dp) => dataplaneOverview(kind, dp)),
      next: nextLink({ host: req.headers.host ?? req.host, url: req.url }, page.nextOffset),
    };
  });
}
