/**
 * Kuma Resource Identifiers: `kri_<short>_<mesh>_<zone>_<namespace>_<name>_<section>`, with empty
 * parts left empty, and the KRI-derived SNI `sni.<short>.<mesh>[.<zone>[.<ns>]].<name>.<section>`.
 */
import type { Labels } from './resource.js';
import { LABEL } from './well-known-labels.js';

export interface Kri {
  readonly shortName: string;
  readonly mesh: string;
  readonly zone: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName: string;
}

/** The display name: the `kuma.io/display-name` label when set and non-empty, else the name. */
export function displayName(r: { readonly name: string; readonly labels: Labels }): string {
  const label = r.labels[LABEL.displayName];
  return label ? label : r.name;
}

export function kriOf(
  shortName: string,
  r: { readonly mesh: string; readonly name: string; readonly labels: Labels },
  sectionName = '',
): Kri {
  return {
    shortName,
    mesh: r.mesh,
    zone: r.labels[LABEL.zone] ?? '',
    namespace: r.labels[LABEL.namespace] ?? '',
    name: displayName(r),
    sectionName,
  };
}

export function formatKri(k: Kri): string {
  return ['kri', k.shortName, k.mesh, k.zone, k.namespace, k.name, k.sectionName].join('_');
}

export class KriParseError extends Error {}

/** Parses a KRI; everything after the sixth underscore is the section name. */
export function parseKri(text: string): Kri {
  const parts = text.split('_');
  if (parts.length < 7) throw new KriParseError(`invalid identifier string: ${JSON.stringify(text)}`);
  if (parts[0] !== 'kri') throw new KriParseError(`identifier must start with 'kri': ${JSON.stringify(text)}`);
  const [, shortName = '', mesh = '', zone = '', namespace = '', name = ''] = parts;
  return { shortName, mesh, zone, namespace, name, sectionName: parts.slice(6).join('_') };
}

/** SNI from a KRI (MADR 101): the namespace segment appears only when the zone is set. */
export function sniOf(k: Kri): string {
  const parts = ['sni', k.shortName, k.mesh];
  if (k.zone) {
    parts.push(k.zone);
    if (k.namespace) parts.push(k.namespace);
  }
  parts.push(k.name, k.sectionName);
  return parts.join('.');
}
