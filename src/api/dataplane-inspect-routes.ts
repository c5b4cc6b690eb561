/**
 * Why a proxy's traffic goes where it goes:
 * - `GET /meshes/{mesh}/dataplanes/{name}/_destinations`: every destination the proxy has (kind,
 *   name, zone, ports, VIPs, hostnames, endpoint counts, routes and policies, and the resource each
 *   setting came from; src/xds/generators/explain-destinations.ts);
 * - `GET /meshes/{mesh}/dataplanes/{name}/_config`: its xDS resources as JSON and its xDS status
 *   (streams, versions sent and acknowledged per type, the last NACK with its message). For a
 *   connected proxy the resources are exactly what the ADS server serves; otherwise they are
 *   generated from the current resources (`source: generated`).
 * `?client=envoy|proxyless` says which kind of client to explain for when the proxy is not
 * connected (a connected one is explained as what it is). Zone control planes only: a global one
 * serves no xDS and answers 405, as Kuma does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ResourceNotFoundError, ValidationError } from '../core/errors.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { NodeStatus, SnapshotCache } from '../xds/cache.js';
import { resourceTypeInfo } from '../xds/envoy/type-urls.js';
import { type DestinationsExplain, explainDestinations } from '../xds/generators/explain-destinations.js';
import { generateProxyConfig } from '../xds/generators/profile.js';
import { SECTIONS } from '../xds/generators/render-config.js';
import { ENVOY_CLIENT, nodeIdOf, type ProxyClient, type ProxyContext, proxyContextOf, PROXYLESS_CLIENT, type ResourceView } from '../xds/proxy-context.js';
import { problem, titled } from './problem.js';

export interface ConfigView {
  readonly nodeId: string;
  readonly client: 'envoy' | 'proxyless';
  /** `snapshot`: what the ADS server serves the connected proxy; `generated`: computed now. */
  readonly source: 'snapshot' | 'generated';
  readonly xds: Record<string, unknown> | null;
  /** Content version per type (LDS, RDS, CDS, EDS). */
  readonly versions: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, readonly unknown[]>>;
  readonly notes: readonly string[];
}

export interface DataplaneInspector {
  /** undefined when the mesh or the Dataplane does not exist. */
  destinations(mesh: string, name: string, client?: ProxyClient): DestinationsExplain | undefined;
  config(mesh: string, name: string, client?: ProxyClient): ConfigView | undefined;
}

export interface InspectorDeps {
  readonly view: ResourceView;
  readonly snapshots: Pick<SnapshotCache, 'getSnapshot' | 'status'>;
  /** The client kind of a connected node (ProxySync). */
  readonly clientOf: (nodeId: string) => ProxyClient | undefined;
}

const SHORT = (typeUrl: string): string => resourceTypeInfo(typeUrl)?.shortName ?? typeUrl;

function statusJson(status: NodeStatus | undefined, current: Readonly<Record<string, string>>): Record<string, unknown> | null {
  if (status === undefined) return null;
  const types: Record<string, unknown> = {};
  for (const [typeUrl, t] of Object.entries(status.types)) {
    types[SHORT(typeUrl)] = { ...t, current: current[SHORT(typeUrl)] ?? null, upToDate: t.lastAckedVersion !== undefined && t.lastAckedVersion === current[SHORT(typeUrl)] };
  }
  const { lastNack } = status;
  return {
    connectedStreams: status.connectedStreams,
    streamsOpened: status.streamsOpened,
    ...(status.lastConnectedAt ? { lastConnectedAt: status.lastConnectedAt } : {}),
    ...(status.lastDisconnectedAt ? { lastDisconnectedAt: status.lastDisconnectedAt } : {}),
    totals: status.totals,
    types,
    lastNack: lastNack ? { ...lastNack, type: SHORT(lastNack.typeUrl) } : null,
  };
}

export function dataplaneInspectorOf(deps: InspectorDeps): DataplaneInspector {
  const context = (mesh: string, name: string, asked: ProxyClient | undefined): ProxyContext | undefined => {
    const nodeId = nodeIdOf({ mesh, name });
    const client = deps.clientOf(nodeId) ?? asked ?? ENVOY_CLIENT;
    const result = proxyContextOf(deps.view, nodeId, { client });
    return result.ok ? result.context : undefined;
  };
  return {
    destinations: (mesh, name, client) => {
      const ctx = context(mesh, name, client);
      return ctx === undefined ? undefined : explainDestinations(ctx);
    },
    config: (mesh, name, client) => {
      const ctx = context(mesh, name, client);
      if (ctx === undefined) return undefined;
      const generated = generateProxyConfig(ctx);
      const snapshot = deps.snapshots.getSnapshot(ctx.nodeId);
      const resources: Record<string, unknown[]> = {};
      const versions: Record<string, string> = {};
      for (const [section, typeUrl] of Object.entries(SECTIONS)) {
        const items = snapshot
          ? [...snapshot.resources(typeUrl).values()].map((e) => e.resource)
          : generated.resources.filter((r) => r.typeUrl === typeUrl).map((r) => r.resource);
        resources[section] = items;
        if (snapshot) versions[SHORT(typeUrl)] = snapshot.version(typeUrl);
      }
      return {
        nodeId: ctx.nodeId,
        client: ctx.client.proxyless ? 'proxyless' : 'envoy',
        source: snapshot ? 'snapshot' : 'generated',
        xds: statusJson(deps.snapshots.status(ctx.nodeId), versions),
        versions,
        resources,
        notes: generated.notes.map((n) => `${n.subject}: ${n.reason}`),
      };
    },
  };
}

type InspectRequest = FastifyRequest<{ Params: { mesh: string; name: string }; Querystring: { client?: string } }>;

function clientParam(raw: string | undefined): ProxyClient | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'envoy') return ENVOY_CLIENT;
  if (raw === 'proxyless') return PROXYLESS_CLIENT;
  throw new ValidationError([{ field: 'client', message: `must be one of: envoy, proxyless; got ${JSON.stringify(raw)}` }], 'Invalid query parameters');
}

export function registerDataplaneInspectRoutes(app: FastifyInstance, deps: { readonly manager: ResourceManager; readonly inspector?: DataplaneInspector }): void {
  const route = (suffix: '_destinations' | '_config', answer: (i: DataplaneInspector, mesh: string, name: string, client?: ProxyClient) => unknown) =>
    app.get(`/meshes/:mesh/dataplanes/:name/${suffix}`, async (req: InspectRequest, reply: FastifyReply) => {
      const { inspector } = deps;
      if (inspector === undefined) return reply.code(405).send(problem(405, 'Method not allowed', 'Not allowed on global CP: xDS is served by zone control planes'));
      return titled(suffix === '_config' ? 'Could not retrieve the xDS config' : 'Could not inspect destinations', async () => {
        const client = clientParam(req.query.client);
        await deps.manager.requireMesh(req.params.mesh);
        const body = answer(inspector, req.params.mesh, req.params.name, client);
        if (body === undefined) throw new ResourceNotFoundError({ type: 'Dataplane', mesh: req.params.mesh, name: req.params.name });
        return body;
      });
    });
  route('_destinations', (i, mesh, name, client) => i.destinations(mesh, name, client));
  route('_config', (i, mesh, name, client) => i.config(mesh, name, client));
}
