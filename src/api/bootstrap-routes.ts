/**
 * `GET /meshes/{mesh}/dataplanes/{name}/_bootstrap?type=envoy|grpc[&xdsAddress=HOST:PORT]`: the
 * bootstrap a proxy of that Dataplane starts with (src/xds/bootstrap-config.ts), pointing at the
 * ADS server this control plane bound. 404 when the mesh or the Dataplane does not exist. When the
 * xDS server listens on every address (0.0.0.0 / ::), proxies are told the host they reached the
 * API at. A global control plane serves no xDS: there `xdsAddress` is required.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../core/errors.js';
import { kindByName } from '../core/registry.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { DataplaneSpec } from '../resources/dataplane/types.js';
import {
  BOOTSTRAP_TYPES,
  type BootstrapType,
  bootstrapFor,
  isUnspecifiedHost,
  parseXdsEndpoint,
  type XdsEndpoint,
} from '../xds/bootstrap-config.js';
import { titled } from './problem.js';

export interface BootstrapRouteDeps {
  readonly manager: ResourceManager;
  /** The bound ADS server; undefined on a global control plane. */
  readonly xds?: XdsEndpoint;
}

const INVALID_QUERY = 'Invalid query parameters';

type BootstrapRequest = FastifyRequest<{
  Params: { mesh: string; name: string };
  Querystring: { type?: string; xdsAddress?: string };
}>;

function bootstrapType(raw: string | undefined): BootstrapType {
  const type = raw ?? 'envoy';
  if ((BOOTSTRAP_TYPES as readonly string[]).includes(type)) return type as BootstrapType;
  throw new ValidationError([{ field: 'type', message: `must be one of: ${BOOTSTRAP_TYPES.join(', ')}; got ${JSON.stringify(type)}` }], INVALID_QUERY);
}

/** The override from the query, else the bound address (its host replaced by the API's when unspecified). */
function xdsEndpointFor(raw: string | undefined, bound: XdsEndpoint | undefined, requestHost: string): XdsEndpoint {
  if (raw !== undefined) {
    const parsed = parseXdsEndpoint(raw);
    if (typeof parsed === 'string') throw new ValidationError([{ field: 'xdsAddress', message: parsed }], INVALID_QUERY);
    return parsed;
  }
  if (bound === undefined) {
    throw new ValidationError([{ field: 'xdsAddress', message: 'required: this control plane serves no xDS (it runs in global mode); ask a zone control plane' }], INVALID_QUERY);
  }
  return isUnspecifiedHost(bound.host) ? { host: requestHost, port: bound.port } : bound;
}

/** The host part of a Host header value (`127.0.0.1:5681`, `[::1]:5681`, `cp.local`). */
function hostOnly(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostHeader);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  return hostHeader.split(':')[0] ?? hostHeader;
}

export function registerBootstrapRoutes(app: FastifyInstance, deps: BootstrapRouteDeps): void {
  app.get('/meshes/:mesh/dataplanes/:name/_bootstrap', async (req: BootstrapRequest) =>
    titled('Could not generate a bootstrap', async () => {
      const type = bootstrapType(req.query.type);
      const xds = xdsEndpointFor(req.query.xdsAddress, deps.xds, hostOnly(req.headers.host ?? '127.0.0.1'));
      const dp = await deps.manager.get(kindByName('Dataplane'), req.params.mesh, req.params.name);
      return bootstrapFor(type, { mesh: dp.mesh, name: dp.name, spec: dp.spec as DataplaneSpec }, xds);
    }),
  );
}
