/**
 * Routes about the control plane itself: `/` (index), `/_resources` (kind catalogue),
 * `/_kri/{kri}` (a resource by its KRI) and `/config` (the effective configuration).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdmissionContext } from '../core/admission.js';
import { ResourceNotFoundError, ValidationError } from '../core/errors.js';
import { type Kri, KriParseError, parseKri } from '../core/kri.js';
import { KINDS } from '../core/registry.js';
import { toWire } from '../core/wire.js';
import type { ResourceManager } from '../manager/resource-manager.js';
import { resourceCatalogue } from './catalogue.js';
import { checkFormat, type Query } from './list-query.js';
import { titled } from './problem.js';

export interface CatalogueRouteDeps {
  readonly manager: ResourceManager;
  readonly admission: AdmissionContext;
  readonly version: string;
  readonly config: Record<string, unknown>;
  /** Whether this instance leads the ones sharing its store; shown as `leader` by `GET /` when given. */
  readonly isLeader?: () => boolean;
}

/**
 * The core name of the resource a KRI names, when it was created on this control plane (on
 * global: no zone; on a zone: this zone or none). Synced copies have hashed names that need the
 * multi-zone hash function; until it exists they are reported as not found.
 */
export function localCoreName(kri: Kri, ctx: AdmissionContext): string | undefined {
  const local = ctx.mode === 'global' ? kri.zone === '' : kri.zone === '' || kri.zone === ctx.zone;
  return local ? kri.name : undefined;
}

function badKri(message: string): ValidationError {
  return new ValidationError([], `bad request: ${message}`);
}

export function registerCatalogueRoutes(app: FastifyInstance, deps: CatalogueRouteDeps): void {
  const { manager, admission } = deps;
  const host = hostname();
  const instanceId = `${host}-${randomBytes(2).toString('hex')}`;

  app.get('/', async () => ({
    product: 'Meshplane',
    version: deps.version,
    basedOnKuma: '2.9',
    mode: admission.mode,
    zone: admission.zone,
    hostname: host,
    instanceId,
    ...(deps.isLeader ? { leader: deps.isLeader() } : {}),
  }));

  app.get('/_resources', async () => resourceCatalogue(KINDS, admission.mode));

  app.get('/config', async () => deps.config);

  app.get('/_kri/:kri', async (req: FastifyRequest<{ Params: { kri: string }; Querystring: Query }>) => {
    const { kri, kind } = await titled('Bad Request', () => {
      let parsed: Kri;
      try {
        parsed = parseKri(req.params.kri);
      } catch (err) {
        if (err instanceof KriParseError) throw badKri(err.message);
        throw err;
      }
      const found = KINDS.find((k) => k.shortName === parsed.shortName && parsed.shortName !== '');
      if (!found) throw badKri(`unknown short name of resource type: ${JSON.stringify(parsed.shortName)}`);
      return { kri: parsed, kind: found };
    });
    const resource = await titled('Could not retrieve a resource', async () => {
      checkFormat(req.query);
      const mesh = kind.scope === 'Mesh' ? kri.mesh : '';
      const name = localCoreName(kri, admission);
      const found = name === undefined ? undefined : await manager.find(kind, mesh, name);
      if (!found) throw new ResourceNotFoundError({ type: kind.name, mesh, name: kri.name });
      return found;
    });
    return toWire(kind, resource);
  });
}
