/**
 * Inspect views of destinations: `GET /meshes/{mesh}/{meshservices|meshmultizoneservices}/{name}/_hostnames`
 * (every HostnameGenerator that selects the service, rendered) and
 * `GET /meshes/{mesh}/meshservices/{name}/_dataplanes` (the Dataplanes its selector picks).
 * The answers are pure functions in src/resources/mesh-service/inspect.ts; this file reads the store.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdmissionContext } from '../core/admission.js';
import { ValidationError } from '../core/errors.js';
import { findKindByPlural, kindByName } from '../core/registry.js';
import { toWire } from '../core/wire.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import type { HostnameGeneratorSpec } from '../resources/hostname-generator/types.js';
import { inspectDataplanes, inspectHostnames } from '../resources/mesh-service/inspect.js';
import type { DataplaneResource, SelectingService } from '../resources/mesh-service/selection.js';
import type { Resource } from '../core/resource.js';
import type { ResourceStore } from '../store/store.js';
import { nextLink, parseListQuery, type Query } from './list-query.js';
import { titled } from './problem.js';

const HOSTNAME_KINDS = ['meshservices', 'meshmultizoneservices'];

type ServiceParams = { Params: { mesh: string; plural: string; name: string }; Querystring: Query };

export function registerDestinationInspectRoutes(
  app: FastifyInstance,
  deps: { readonly manager: ResourceManager; readonly store: ResourceStore; readonly admission: AdmissionContext },
): void {
  const { manager, store, admission } = deps;

  app.get('/meshes/:mesh/:plural/:name/_hostnames', async (req: FastifyRequest<ServiceParams>) =>
    titled('Could not retrieve hostnames', async () => {
      const kind = findKindByPlural(req.params.plural);
      if (!kind || !HOSTNAME_KINDS.includes(kind.plural)) {
        throw new ValidationError([{ field: 'type', message: `only "${HOSTNAME_KINDS.join(',')}" are available for inspection` }]);
      }
      await manager.requireMesh(req.params.mesh);
      const service = await manager.get(kind, req.params.mesh, req.params.name);
      const generators = (await store.list({ type: 'HostnameGenerator' })).items as Resource<HostnameGeneratorSpec>[];
      const answer = inspectHostnames({ service, generators, localZone: admission.zone, controlPlaneMode: admission.mode });
      if (!answer.ok) throw new ValidationError([{ field: 'template', message: answer.error }], 'could not render a hostname');
      return answer.body;
    }),
  );

  app.get('/meshes/:mesh/meshservices/:name/_dataplanes', async (req: FastifyRequest<Omit<ServiceParams, 'Params'> & { Params: { mesh: string; name: string } }>) =>
    titled('Could not retrieve resources', async () => {
      const query = parseListQuery(req.query, '/meshes/{mesh}/meshservices/{name}/_dataplanes');
      await manager.requireMesh(req.params.mesh);
      const service = (await manager.get(kindByName('MeshService'), req.params.mesh, req.params.name)) as unknown as SelectingService;
      const dataplanes = (await store.list({ type: 'Dataplane', mesh: req.params.mesh })).items as unknown as DataplaneResource[];
      const page = inspectDataplanes(service, dataplanes, {
        ...(query.nameContains !== undefined ? { nameContains: query.nameContains } : {}),
        offset: query.offset,
        size: query.size,
      });
      const dataplaneKind = kindByName('Dataplane');
      return {
        total: page.total,
        items: page.items.map((dp) => toWire(dataplaneKind, dp as unknown as Resource)),
        next: nextLink({ host: req.headers.host ?? req.host, url: req.url }, page.nextOffset),
      };
    }),
  );
}
