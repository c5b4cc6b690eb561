/**
 * `/metrics` in Prometheus text: default process metrics, a request counter by route template,
 * and a gauge of stored resources per type (counted when scraped).
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { KINDS } from '../core/registry.js';
import type { ResourceStore } from '../store/store.js';

export interface MetricsDeps {
  /** A shared registry (the process may hold other components' metrics); a new one when absent. */
  readonly registry?: Registry;
  readonly store: ResourceStore;
}

const REQUESTS = 'meshplane_api_requests_total';
const RESOURCES = 'meshplane_resources';

export function registerMetrics(app: FastifyInstance, deps: MetricsDeps): Registry {
  const registry = deps.registry ?? new Registry();
  // Registering a metric name twice throws, so reuse what a shared registry already holds.
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: registry });

  const requests =
    (registry.getSingleMetric(REQUESTS) as Counter<'method' | 'route' | 'status'> | undefined) ??
    new Counter({
      name: REQUESTS,
      help: 'REST API requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });

  if (!registry.getSingleMetric(RESOURCES)) {
    const { store } = deps;
    new Gauge({
      name: RESOURCES,
      help: 'Resources in the store, by type',
      labelNames: ['type'] as const,
      registers: [registry],
      async collect() {
        for (const kind of KINDS) {
          this.set({ type: kind.name }, (await store.list({ type: kind.name, size: 1 })).total);
        }
      },
    });
  }

  app.addHook('onResponse', async (req, reply) => {
    requests.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  return registry;
}
