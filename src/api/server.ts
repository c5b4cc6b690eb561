/**
 * The REST API server (Kuma-compatible paths on fastify). Wiring only: body parsing and limits,
 * the error and not-found handlers, and the route groups, each in its own file.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AdmissionContext } from '../core/admission.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { ResourceStore } from '../store/store.js';
import type { XdsEndpoint } from '../xds/bootstrap-config.js';
import { registerBootstrapRoutes } from './bootstrap-routes.js';
import { registerCatalogueRoutes } from './catalogue-routes.js';
import { type DataplaneInspector, registerDataplaneInspectRoutes } from './dataplane-inspect-routes.js';
import { registerDestinationInspectRoutes } from './destination-inspect-routes.js';
import { registerInsightRoutes } from './insight-routes.js';
import { registerMetrics } from './metrics.js';
import { registerMigrationRoutes } from './migration-routes.js';
import { problemFor, routeNotFound } from './problem.js';
import { registerResourceRoutes } from './resource-routes.js';

export interface ApiServerOptions {
  readonly manager: ResourceManager;
  readonly store: ResourceStore;
  readonly admission: AdmissionContext;
  readonly logger: Logger;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly version: string;
  /** The effective configuration, shown as-is by `GET /config`. */
  readonly config: Record<string, unknown>;
  readonly metrics?: Registry;
  readonly clock?: Clock;
  /** The bound ADS server, named in Dataplane bootstraps; absent on a global control plane. */
  readonly xds?: XdsEndpoint;
  /** Explains proxies (`_destinations`, `_config`); absent on a global control plane. */
  readonly dataplaneInspector?: DataplaneInspector;
  /** Node ids of proxies with an xDS stream here, for the insights' online counts. */
  readonly connectedProxies?: () => ReadonlySet<string>;
  /** Whether this instance leads the ones sharing its store (`leader` in `GET /`). */
  readonly isLeader?: () => boolean;
}

export interface ApiServer {
  /** `http://host:port`, with the bound port. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What a request that failed outside any route was doing, for the problem's title. */
function fallbackTitle(req: FastifyRequest): string {
  return req.method === 'PUT' ? 'Could not process a resource' : 'Could not process a request';
}

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const app = Fastify({
    loggerInstance: o.logger as FastifyBaseLogger,
    bodyLimit: o.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Bodies are read as text whatever their content type (curl -d sends form encoding); the
  // PUT route parses JSON itself so that a parse error names the route's context.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err, req, reply) => {
    const p = problemFor(err, fallbackTitle(req), o.bodyLimitBytes);
    if (p.status >= 500) req.log.error({ err, url: req.url }, 'REST API request failed');
    return reply.code(p.status).type('application/json').send(p);
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send(routeNotFound(`no route for ${req.method} ${req.url.split('?')[0] ?? ''}`)),
  );

  registerMetrics(app, { store: o.store, ...(o.metrics ? { registry: o.metrics } : {}) });
  registerCatalogueRoutes(app, { manager: o.manager, admission: o.admission, version: o.version, config: o.config, ...(o.isLeader ? { isLeader: o.isLeader } : {}) });
  registerInsightRoutes(app, {
    manager: o.manager,
    store: o.store,
    clock: o.clock ?? systemClock,
    ...(o.connectedProxies ? { connectedProxies: o.connectedProxies } : {}),
  });
  registerDestinationInspectRoutes(app, { manager: o.manager, store: o.store, admission: o.admission });
  registerBootstrapRoutes(app, { manager: o.manager, ...(o.xds ? { xds: o.xds } : {}) });
  registerMigrationRoutes(app, {
    manager: o.manager,
    store: o.store,
    admission: o.admission,
    federatedZone: o.admission.mode === 'zone' && typeof o.config.globalKdsAddress === 'string',
    ...(o.clock ? { clock: o.clock } : {}),
  });
  registerDataplaneInspectRoutes(app, { manager: o.manager, ...(o.dataplaneInspector ? { inspector: o.dataplaneInspector } : {}) });
  registerResourceRoutes(app, { manager: o.manager, admission: o.admission });

  await app.listen({ host: o.host, port: o.port });
  const { port } = app.server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return { url: `http://${host}:${port}`, port, close: () => app.close() };
}
