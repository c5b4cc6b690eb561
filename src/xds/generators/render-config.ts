/**
 * A proxy's generated config as sorted, stable YAML: resources grouped by type (clusters,
 * endpoints, listeners, routes), sorted by name, map keys sorted; then the notes. Used by the
 * golden tests and readable by people (`inspect`-style). `parseRenderedConfig` reads it back.
 */
import { parse, stringify } from 'yaml';
import type { EnvoyObject } from '../envoy/encode.js';
import { resourceTypeInfo, TYPE_URL, type ResourceTypeUrl } from '../envoy/type-urls.js';
import type { GenerationNote } from './generated.js';
import type { ProxyConfig } from './profile.js';

/** Section of the rendered file -> the type URL of its resources. */
export const SECTIONS: Readonly<Record<string, ResourceTypeUrl>> = {
  clusters: TYPE_URL.cluster,
  endpoints: TYPE_URL.clusterLoadAssignment,
  listeners: TYPE_URL.listener,
  routes: TYPE_URL.routeConfiguration,
};

function nameOf(typeUrl: string, r: EnvoyObject): string {
  return String(r[resourceTypeInfo(typeUrl)?.nameField ?? 'name'] ?? '');
}

export function renderConfig(config: ProxyConfig): string {
  const out: Record<string, unknown> = {};
  for (const [section, typeUrl] of Object.entries(SECTIONS)) {
    const items = config.resources
      .filter((r) => r.typeUrl === typeUrl)
      .map((r) => r.resource)
      .sort((a, b) => (nameOf(typeUrl, a) < nameOf(typeUrl, b) ? -1 : nameOf(typeUrl, a) > nameOf(typeUrl, b) ? 1 : 0));
    if (items.length > 0) out[section] = items;
  }
  out.reachable = [...config.destinationKeys];
  if (config.backendKeys.length > 0) out.backendsOfRoutes = [...config.backendKeys];
  if (config.notes.length > 0) out.notes = config.notes.map((n: GenerationNote) => ({ subject: n.subject, reason: n.reason }));
  return stringify(out, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/** The resources of a rendered file, with their type URLs. */
export function parseRenderedConfig(text: string): { typeUrl: ResourceTypeUrl; resource: EnvoyObject }[] {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  return Object.entries(SECTIONS).flatMap(([section, typeUrl]) =>
    ((doc[section] as EnvoyObject[] | undefined) ?? []).map((resource) => ({ typeUrl, resource })),
  );
}
