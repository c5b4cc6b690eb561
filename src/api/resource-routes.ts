/**
 * CRUD routes for every kind, generic over the descriptors in the registry (Kuma's paths):
 * `/meshes/{mesh}/{plural}[/{name}]` for mesh-scoped kinds, `/{plural}[/{name}]` for global kinds,
 * and `/{plural}` as the cross-mesh list of a mesh-scoped kind.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdmissionContext } from '../core/admission.js';
import type { KindDescriptor } from '../core/descriptor.js';
import { ReadOnlyResourceError } from '../core/errors.js';
import { findKindByPlural, KINDS } from '../core/registry.js';
import { toWire } from '../core/wire.js';
import { readOnlyReason } from '../manager/read-only.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import { checkFormat, nextLink, parseListQuery, type Query } from './list-query.js';
import { type Problem, routeNotFound, titled } from './problem.js';
import { documentFromPut, parseJsonBody } from './request-document.js';

export interface ResourceRouteDeps {
  readonly manager: ResourceManager;
  readonly admission: AdmissionContext;
}

type Where = 'mesh' | 'global' | 'list';

/** The kind a path segment names, or the 404 to answer when it names none here. */
export function resolveKind(plural: string, where: Where): KindDescriptor | Problem {
  const kind = findKindByPlural(plural);
  if (!kind) {
    return routeNotFound(`unknown resource type '${plural}'; known: ${KINDS.map((k) => k.plural).join(', ')}`);
  }
  if (where === 'mesh' && kind.scope !== 'Mesh') {
    return routeNotFound(`'${plural}' are not mesh-scoped: use /${plural}/{name}`);
  }
  if (where === 'global' && kind.scope === 'Mesh') {
    return routeNotFound(`'${plural}' are mesh-scoped: use /meshes/{mesh}/${plural}/{name}`);
  }
  return kind;
}

function isProblem(k: KindDescriptor | Problem): k is Problem {
  return 'status' in k;
}

type Params = { mesh?: string; plural?: string; name?: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Query }>;

export function registerResourceRoutes(app: FastifyInstance, deps: ResourceRouteDeps): void {
  const { manager, admission } = deps;

  /** Works out kind, mesh and name from the route, or answers 404. */
  const target = (req: Req, reply: FastifyReply, where: Where): { kind: KindDescriptor; mesh: string; name: string } | undefined => {
    const plural = req.params.plural ?? 'meshes';
    const kind = resolveKind(plural, where);
    if (isProblem(kind)) {
      void reply.code(kind.status).send(kind);
      return undefined;
    }
    return { kind, mesh: kind.scope === 'Mesh' ? (req.params.mesh ?? '') : '', name: req.params.name ?? '' };
  };

  const list = (where: Where) => async (req: Req, reply: FastifyReply) => {
    const t = target(req, reply, where);
    if (!t) return reply;
    const routePath = where === 'mesh' ? `/meshes/{mesh}/${t.kind.plural}` : `/${t.kind.plural}`;
    const query = await titled('Could not retrieve resources', () => parseListQuery(req.query, routePath));
    const mesh = where === 'mesh' ? t.mesh : undefined;
    const page = await titled('Could not retrieve resources', () =>
      manager.list(t.kind, { ...query, ...(mesh !== undefined ? { mesh } : {}) }),
    );
    return {
      total: page.total,
      items: page.items.map((r) => toWire(t.kind, r)),
      next: nextLink({ host: req.headers.host ?? req.host, url: req.url }, page.nextOffset),
    };
  };

  const get = (where: Where) => async (req: Req, reply: FastifyReply) => {
    const t = target(req, reply, where);
    if (!t) return reply;
    const found = await titled('Could not retrieve a resource', async () => {
      checkFormat(req.query);
      return manager.get(t.kind, t.mesh, t.name);
    });
    return toWire(t.kind, found);
  };

  const put = (where: Where) => async (req: Req, reply: FastifyReply) => {
    const t = target(req, reply, where);
    if (!t) return reply;
    const doc = await titled('Could not process a resource', async () => {
      const readOnly = readOnlyReason(t.kind, admission.mode);
      if (readOnly !== undefined) throw new ReadOnlyResourceError(readOnly);
      if (t.kind.scope === 'Mesh') await manager.requireMesh(t.mesh);
      return documentFromPut(parseJsonBody(req.body), t);
    });
    const existing = await titled('Failed to find a resource', () => manager.find(t.kind, t.mesh, t.name));
    const result = await titled(existing ? 'Failed to update a resource' : 'Failed to create a resource', () =>
      manager.apply(doc, { mesh: t.mesh }),
    );
    return reply.code(result.created ? 201 : 200).send(result.warnings.length > 0 ? { warnings: result.warnings } : {});
  };

  const remove = (where: Where) => async (req: Req, reply: FastifyReply) => {
    const t = target(req, reply, where);
    if (!t) return reply;
    await titled('Could not delete a resource', () => manager.delete(t.kind, t.mesh, t.name));
    return {};
  };

  app.get('/meshes', list('list'));
  app.get('/meshes/:name', get('global'));
  app.put('/meshes/:name', put('global'));
  app.delete('/meshes/:name', remove('global'));
  app.get('/meshes/:mesh/:plural', list('mesh'));
  app.get('/meshes/:mesh/:plural/:name', get('mesh'));
  app.put('/meshes/:mesh/:plural/:name', put('mesh'));
  app.delete('/meshes/:mesh/:plural/:name', remove('mesh'));
  app.get('/:plural', list('list'));
  app.get('/:plural/:name', get('global'));
  app.put('/:plural/:name', put('global'));
  app.delete('/:plural/:name', remove('global'));
}
