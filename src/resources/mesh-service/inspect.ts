/**
 * Answers for the MeshService inspect endpoints, as pure functions the REST layer calls with what
 * it read from the store (traffic doc 7.4, semantics 5.6):
 * - `GET /meshes/{mesh}/{meshservices|meshmultizoneservices}/{name}/_hostnames`:
 *   `{total, items: [{hostname, zones: [{name}]}]}`, every generator that selects the service
 *   evaluated without the DNS check; a template error fails the whole answer;
 * - `GET /meshes/{mesh}/meshservices/{name}/_dataplanes`: the selected Dataplanes in Kuma's list
 *   envelope, with `?name=`, `offset` and `size`.
 */
import type { Labels, Resource } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import { compareGenerators, parseCached, render, type TemplateCache } from '../hostname-generator/assign.js';
import { type HostnameGeneratorSpec, hostnameGeneratorSelects } from '../hostname-generator/types.js';
import { type DataplaneResource, type SelectingService, selects } from './selection.js';

export interface HostnamesInspection {
  readonly total: number;
  readonly items: { readonly hostname: string; readonly zones: { readonly name: string }[] }[];
}

export type HostnamesAnswer = { ok: true; body: HostnamesInspection } | { ok: false; error: string };

export function inspectHostnames(input: {
  readonly service: { readonly type: string; readonly mesh: string; readonly name: string; readonly labels: Labels };
  readonly generators: readonly Pick<Resource<HostnameGeneratorSpec>, 'name' | 'labels' | 'creationTime' | 'spec'>[];
  /** This control plane's zone; used when the service has no `kuma.io/zone` label. */
  readonly localZone: string;
  /** A global control plane also evaluates the service as if synced, so `synced-*` generators show. */
  readonly controlPlaneMode?: 'zone' | 'global';
  readonly templates?: TemplateCache;
}): HostnamesAnswer {
  const { service } = input;
  const templates = input.templates ?? new Map();
  const zone = service.labels[LABEL.zone] || input.localZone;
  const views =
    input.controlPlaneMode === 'global'
      ? [{ ...service, labels: { ...service.labels, [LABEL.origin]: 'zone' } }, { ...service, labels: { ...service.labels, [LABEL.origin]: 'global' } }]
      : [service];
  const zonesByHostname = new Map<string, Set<string>>();
  for (const g of [...input.generators].sort(compareGenerators)) {
    for (const view of views) {
      if (!hostnameGeneratorSelects(g.spec, view.type, view.labels)) continue;
      const rendered = render(parseCached(templates, g.spec.template ?? ''), view, input.localZone, false);
      if (!rendered.ok) return { ok: false, error: `HostnameGenerator ${JSON.stringify(g.name)}: ${rendered.error}` };
      const zones = zonesByHostname.get(rendered.hostname) ?? new Set<string>();
      zones.add(zone);
      zonesByHostname.set(rendered.hostname, zones);
    }
  }
  const items = [...zonesByHostname.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hostname, zones]) => ({ hostname, zones: [...zones].sort().map((name) => ({ name })) }));
  return { ok: true, body: { total: items.length, items } };
}

export interface DataplanesInspection {
  readonly total: number;
  readonly items: DataplaneResource[];
  /** Offset of the next page, or undefined on the last one; the REST layer turns it into `next`. */
  readonly nextOffset: number | undefined;
}

/** The Dataplanes a MeshService selects, sorted by name (as Kuma lists), one page of them. */
export function inspectDataplanes(
  service: SelectingService,
  dataplanes: Iterable<DataplaneResource>,
  page: { readonly nameContains?: string; readonly offset?: number; readonly size?: number } = {},
): DataplanesInspection {
  const all = [...dataplanes]
    .filter((dp) => selects(service, dp) && (page.nameContains === undefined || dp.name.includes(page.nameContains)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const offset = page.offset ?? 0;
  const items = page.size === undefined ? all.slice(offset) : all.slice(offset, offset + page.size);
  const end = offset + items.length;
  return { total: all.length, items, nextOffset: end < all.length ? end : undefined };
}
